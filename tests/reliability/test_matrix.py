"""The fault matrix, PRACTICES.md and docs/RELIABILITY.md stay in step: every row of
PRACTICES is in the matrix with its words, every test the matrix names exists (and
every gap's test is a strict xfail), every reliability test is named, and the document
is what the generator writes."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.figures import Figure, FigureBook
from tests.reliability.matrix import MATRIX
from tests.reliability.report import (
    DOC,
    FIGURES_HEADING,
    REPO,
    matrix_part,
    render_figures,
    render_matrix,
)

PRACTICES = REPO.parent / "shared" / "PRACTICES.md"


def practices_rows() -> dict[str, str]:
    """``{fault: what must hold}`` from the PRACTICES fault table."""
    if not PRACTICES.is_file():
        pytest.skip(f"{PRACTICES} is not beside the repository")
    text = PRACTICES.read_text(encoding="utf-8")
    section = text.split("## Faults the pipeline must survive", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("fault", "---"):
            rows[cells[0]] = cells[2]
    assert len(rows) >= 10, "the PRACTICES fault table was not found"
    return rows


def test_every_practices_row_is_in_the_matrix_with_its_words() -> None:
    rows = practices_rows()
    ours = {f.fault: f.holds for f in MATRIX if not f.extra}

    assert sorted(set(rows) - set(ours)) == []  # a row without tests
    assert sorted(set(ours) - set(rows)) == []  # a row PRACTICES no longer has
    assert {k: ours[k] for k in rows} == rows
    assert all(f.checks for f in MATRIX)


def _function(node_id: str) -> tuple[Any, str | None]:
    path, _, name = node_id.partition("::")
    assert (REPO / path).is_file(), f"{node_id}: no file {path}"
    name, _, param = name.partition("[")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    function = getattr(module, name, None)
    assert inspect.isfunction(function) and name.startswith("test_"), f"{node_id}: no such test"
    return function, param.removesuffix("]") or None


def _xfail_strict(function: Any, param: str | None) -> bool:
    marks = list(getattr(function, "pytestmark", []))
    if param is not None:
        marks = [
            mark
            for parametrize in marks
            if parametrize.name == "parametrize"
            for case in parametrize.args[1]
            if getattr(case, "values", None) == (param,)
            for mark in case.marks
        ]
    return any(m.name == "xfail" and m.kwargs.get("strict") is True for m in marks)


def test_every_named_test_exists_and_every_gap_is_tracked_by_a_strict_xfail() -> None:
    for fault in MATRIX:
        for check in fault.checks:
            function, _ = _function(check.test)
            assert not _xfail_strict(function, None), f"{check.test} is a gap, not a check"
            assert check.asserts.strip(), check.test
        for gap in fault.gaps:
            if gap.test is not None:
                assert _xfail_strict(*_function(gap.test)), f"{gap.test} is not a strict xfail"


def test_every_reliability_test_is_in_the_matrix() -> None:
    named = {c.test for f in MATRIX for c in f.checks}
    named |= {g.test.partition("[")[0] for f in MATRIX for g in f.gaps if g.test}
    here = Path(__file__).parent
    found = set()
    for path in sorted(here.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        module = importlib.import_module(f"tests.reliability.{path.stem}")
        found |= {
            f"tests/reliability/{path.name}::{name}"
            for name, member in vars(module).items()
            if name.startswith("test_") and inspect.isfunction(member)
            and member.__module__ == module.__name__
        }  # fmt: skip
    assert sorted(found - named) == []


def test_the_document_is_generated_from_the_matrix() -> None:
    document = DOC.read_text(encoding="utf-8")

    assert FIGURES_HEADING in document
    assert matrix_part(document) == render_matrix(), (
        "docs/RELIABILITY.md is stale: run python -m tests.reliability.report"
    )


def test_figures_show_the_latest_session_and_say_what_was_not_measured() -> None:
    row = "persistent 5xx"
    figures = [
        Figure("2025-01-08T01:30:00+00:00", "t::a", row, 5, 0, None, True),
        Figure("2025-01-08T01:30:00+00:00", "t::b", row, 3, 2, None, False),
        Figure("2025-01-07T01:30:00+00:00", "t::old", row, 99, 99, 99, True),
    ]

    text = render_figures(figures)

    assert "its first figure at 2025-01-08T01:30:00+00:00 UTC" in " ".join(text.split())
    assert "| persistent 5xx | 2 | 8 | 2 | not measured | 1 of 2 |" in text
    assert "1 figure(s) of earlier sessions are not shown." in text
    assert "No figure in that session for: 5xx burst, then OK;" in text
    assert "No figures were recorded" in render_figures([])


def test_a_figure_must_name_a_row_of_the_matrix(figures: FigureBook) -> None:
    with pytest.raises(ValueError, match="not a row of"):
        figures.record("a fault nobody wrote down", faults_injected=1)
