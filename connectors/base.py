"""What every connector yields: one page of records, already in our column names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd


@dataclass(frozen=True)
class Page:
    """One page fetched from a source system.

    `frame` holds exactly our columns for `entity` (see docs/source-apis.md) plus
    `_record`, the source record as received (a JSON string). `request` is the path and
    query of the call that fetched it: never credentials.
    """

    source: str
    entity: str
    endpoint: str
    request: str
    fetched_at: datetime
    frame: pd.DataFrame

    @property
    def row_count(self) -> int:
        return len(self.frame)
