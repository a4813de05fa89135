"""Date formats of each system."""

from __future__ import annotations

import numpy as np

from simulator.wire import format_datetimes

VALUES = np.array(["2024-03-05T14:22:10", "NaT", "2024-12-31T23:30:00"], dtype="datetime64[s]")


def test_each_system_date_format() -> None:
    assert format_datetimes(VALUES, "tthc") == ["05/03/2024 14:22:10", None,
                                                "31/12/2024 23:30:00"]
    assert format_datetimes(VALUES, "iso") == ["2024-03-05T14:22:10+07:00", None,
                                               "2024-12-31T23:30:00+07:00"]
    assert format_datetimes(VALUES, "lris") == ["2024-03-05 14:22:10", None,
                                                "2024-12-31 23:30:00"]
    assert format_datetimes(VALUES, "date") == ["2024-03-05", None, "2024-12-31"]
    assert format_datetimes(VALUES[:0], "tthc") == []
