"""`chiso report html`: the scorecard, one self-contained HTML file (reports/html.py).

The page is generated once per module from a small published snapshot (PAR7 and NQ17
scored by the engine, DTI and ITA rankings), then read as text (no network reference,
every framework with its charts, each number with its numerator, denominator and
sources, Vietnamese labels with English beside, a relative link to the quality report),
and opened in headless Chromium: every chart must render with no console error.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from reports.html import MET_LABELS, TOP_CRITERIA, periods_shown
from reports.vn_format import vn_percent, vn_quantity
from tests.reports.tables_snapshot import (
    ARCHITECTURE_DOC,
    OVERRIDE_REASON,
    Warehouse,
    build_warehouse,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
runner = CliRunner()


@dataclass(frozen=True)
class Report:
    out: Path
    page: Path
    html: str
    output: str


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_warehouse(tmp_path_factory.mktemp("scorecard-warehouse"))


def _html_report(warehouse: Warehouse, out: Path, *args: str) -> Any:
    return runner.invoke(
        app, ["report", "html", *args, "--out", str(out), "--config", str(warehouse.config)]
    )


@pytest.fixture(scope="module")
def report(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("scorecard")
    result = _html_report(warehouse, out, "--period", "2024")
    assert result.exit_code == 0, result.output
    page = out / "scorecard-2024.html"
    return Report(out, page, page.read_text(encoding="utf-8"), result.output)


def _query(snapshot: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the JSON chart specs by chart id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.specs: dict[str, Any] = {}
        self._spec_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script" and attributes.get("type") == "application/json":
            self._spec_id = str(attributes.get("id") or "").removesuffix("-spec")
            self._chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        if self._spec_id:
            self._chunks.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._spec_id:
            self.specs[self._spec_id] = json.loads("".join(self._chunks))
            self._spec_id = None


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _charts(html: str) -> dict[str, tuple[str, str]]:
    """chart id → (framework, kind) for every chart container on the page."""
    return {
        str(a["id"]): (str(a["data-framework"]), str(a["data-kind"]))
        for tag, a in _elements(html).tags
        if tag == "div" and "chart" in str(a.get("class") or "").split()
    }


def _dataset(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a chart's (single) inline dataset."""
    datasets = spec.get("datasets") or {}
    assert len(datasets) == 1, list(datasets)
    return list(next(iter(datasets.values())))


def _row(html: str, criterion: str) -> str:
    start = html.index(f'data-criterion="{criterion}"')
    return html[start : html.index("</tr>", start)]


def _frameworks_shown(snapshot: Path, period: str) -> set[str]:
    rows = _query(
        snapshot,
        "SELECT DISTINCT framework FROM marts.score WHERE list_contains(?, period)",
        periods_shown(period),
    )
    return {f for (f,) in rows}


# --- the page as a file -------------------------------------------------------------------


def test_the_scorecard_is_one_file_that_needs_no_network(report: Report) -> None:
    assert report.output.splitlines()[0].strip() == str(report.page)
    for tag, attrs in _elements(report.html).tags:
        assert not (tag in ("script", "img", "iframe", "embed") and attrs.get("src")), attrs
        assert not (tag == "link" and attrs.get("rel") == "stylesheet"), attrs
    assert "window.vegaEmbed=" in report.html  # the bundled vega-embed, inline
    assert not re.search(r"<script[^>]+src=", report.html)
    assert sorted(p.name for p in report.out.iterdir()) == ["quality", "scorecard-2024.html"]


def test_every_framework_of_the_period_has_its_charts(report: Report, warehouse: Warehouse) -> None:
    frameworks = _frameworks_shown(warehouse.snapshot, "2024")
    assert {"par7-2024", "nq17", "dti-2024-dist", "ita-2018-dept"} <= frameworks
    kinds: dict[str, set[str]] = {}
    for framework, kind in _charts(report.html).values():
        kinds.setdefault(framework, set()).add(kind)
    assert set(kinds) == frameworks
    assert kinds["par7-2024"] == {"total", "lost"}
    assert kinds["nq17"] == {"total", "lost", "targets"}
    assert kinds["dti-2024-dist"] == {"ranking", "lost"}
    specs = _elements(report.html).specs
    assert set(specs) == set(_charts(report.html))
    assert all(
        spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        for spec in specs.values()
    )


def _chart_id(html: str, framework: str, kind: str) -> str:
    return next(i for i, (f, k) in _charts(html).items() if (f, k) == (framework, kind))


def test_the_points_lost_chart_is_max_minus_points_of_each_criterion(
    report: Report, warehouse: Warehouse
) -> None:
    rows = _query(
        warehouse.snapshot,
        "SELECT criterion, max_points - coalesce(points, 0) FROM marts.score s "
        "WHERE framework = 'par7-2024' AND period = '2024' AND status NOT IN "
        "('survey', 'not_applicable') AND NOT EXISTS (SELECT 1 FROM marts.score c WHERE "
        "c.framework = s.framework AND c.period = s.period AND c.parent = s.criterion)",
    )
    lost = {c: float(v) for c, v in rows if v > 0}
    expected = dict(sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CRITERIA])
    spec = _elements(report.html).specs[_chart_id(report.html, "par7-2024", "lost")]
    shown = {r["criterion"]: r["lost"] for r in _dataset(spec)}
    assert shown == pytest.approx(expected)
    assert {"numerator", "denominator", "sources"} <= set(_dataset(spec)[0])


def test_the_ranking_chart_has_each_units_total_max_and_rank(
    report: Report, warehouse: Warehouse
) -> None:
    rows = _query(
        warehouse.snapshot,
        "SELECT unit_code, total_points, max_points, rank FROM marts.ranking "
        "WHERE framework = 'dti-2024-dist' AND period = '2024'",
    )
    spec = _elements(report.html).specs[_chart_id(report.html, "dti-2024-dist", "ranking")]
    shown = {r["unit"]: (r["total"], r["max"], r["rank"]) for r in _dataset(spec)}
    assert shown == {u: (None if t is None else float(t), float(m), r) for u, t, m, r in rows}


def test_nq17_rates_are_charted_by_month_against_their_targets(
    report: Report, warehouse: Warehouse
) -> None:
    rows = _query(
        warehouse.snapshot,
        "SELECT criterion, period, rate, target, met FROM marts.score "
        "WHERE framework = 'nq17' AND method = 'target_met'",
    )
    assert len(rows) == 22
    spec = _elements(report.html).specs[_chart_id(report.html, "nq17", "targets")]
    shown = {(r["criterion"], r["period"]): r for r in _dataset(spec)}
    assert set(shown) == {(c, p) for c, p, *_ in rows}
    for criterion, period, rate, target, met in rows:
        point = shown[(criterion, period)]
        assert point["rate"] == (None if rate is None else pytest.approx(float(rate)))
        assert point["target"] == pytest.approx(float(target))
        assert point["met"] == MET_LABELS[met]


def test_each_number_shows_its_numerator_denominator_and_sources(
    report: Report, warehouse: Warehouse
) -> None:
    ((rate, numerator, denominator, inputs),) = _query(
        warehouse.snapshot,
        "SELECT rate, numerator, denominator, inputs FROM marts.score "
        "WHERE framework = 'par7-2024' AND criterion = '7.3.6'",
    )
    row = _row(report.html, "7.3.6")
    assert f"{vn_percent(rate)} = {vn_quantity(numerator)} / {vn_quantity(denominator)}" in row
    for key in json.loads(inputs):
        assert f"<code>{key}</code>" in row
    assert "thu thập từ hệ thống" in row and "collected" in row
    declared = _row(report.html, "7.1.1")
    assert "<code>egov_architecture_maintained</code>" in declared
    assert "kê khai" in declared and ARCHITECTURE_DOC in declared
    corrected = _row(report.html, "7.2.3.b")
    assert "điều chỉnh" in corrected and OVERRIDE_REASON in corrected


def test_labels_are_vietnamese_with_english_beside(report: Report) -> None:
    pairs = [
        ("Điểm bị mất theo tiêu chí", "Points lost by criterion"),
        ("Xếp hạng đơn vị", "Ranking of units"),
        ("Tỷ lệ theo tháng so với chỉ tiêu", "Rates by month against targets"),
        ("Tổng điểm", "Total"),
        ("Chất lượng dữ liệu", "Data quality"),
        ("Số liệu và nguồn", "Measures and sources"),
    ]
    for vi, en in pairs:
        assert re.search(rf"{re.escape(vi)}\s*<span class=\"en\">{re.escape(en)}", report.html), vi


def test_the_quality_report_is_linked_by_a_relative_path(report: Report) -> None:
    links = [a for tag, a in _elements(report.html).tags if tag == "a" and a.get("href")]
    quality = next(a for a in links if a.get("id") == "quality-link")
    href = str(quality["href"])
    assert not urlparse(href).scheme and not href.startswith("/")
    assert href == "quality/index.html"
    assert (report.page.parent / href).is_file()
    pages = [str(a["href"]) for a in links if str(a["href"]).startswith("quality/validations/")]
    assert len(pages) == 3 and all((report.out / p).is_file() for p in pages)
    assert "đạt mọi kỳ vọng" in report.html


# --- the command's answers ----------------------------------------------------------------


def test_a_failed_quality_check_shows_on_the_page_and_exits_1(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.duckdb"
    shutil.copy(warehouse.snapshot, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("UPDATE marts.score SET rate = 1.5 WHERE criterion = '7.3.6'")
    config = tmp_path / "chiso.toml"
    config.write_text(f'[warehouse]\nsnapshot_path = "{broken.as_posix()}"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", "html", "--period", "2024", "--out", str(out), "--config", str(config)]
    )
    assert result.exit_code == 1, result.output
    html = (out / "scorecard-2024.html").read_text(encoding="utf-8")
    assert "không đạt 1 kỳ vọng" in html
    assert "marts.score: expect_column_values_to_be_between(column=rate" in html
    assert "column=rate" in result.output


def test_the_command_refuses_a_bad_period_and_an_empty_one(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    bad = _html_report(warehouse, tmp_path, "--period", "2024-13", "--no-quality")
    assert bad.exit_code == 2 and "2024-13" in bad.output
    empty = _html_report(warehouse, tmp_path, "--period", "2023", "--no-quality")
    assert empty.exit_code == 2 and "no scores" in empty.output
    assert not list(tmp_path.glob("*.html"))


def test_one_framework_and_one_month(warehouse: Warehouse, tmp_path: Path) -> None:
    result = _html_report(
        warehouse, tmp_path, "--period", "2024-03", "--framework", "nq17", "--no-quality"
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "scorecard-2024-03.html").read_text(encoding="utf-8")
    assert {f for f, _ in _charts(html).values()} == {"nq17"}


def test_the_months_shown_with_a_period() -> None:
    assert periods_shown("2024") == ["2024", *(f"2024-{m:02d}" for m in range(1, 13))]
    assert periods_shown("2024-Q2") == ["2024-Q2", "2024-04", "2024-05", "2024-06"]
    assert periods_shown("2024-03") == ["2024-03", "2024-01", "2024-02"]
    with pytest.raises(ValueError, match="2024-13"):
        periods_shown("2024-13")


# --- the page in a browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by its chromedriver (nothing is downloaded)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(
            f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}): "
            "apt-get install -y chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,2000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager: never download anything
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_charts_render_in_chromium_without_errors(
    report: Report, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(report.page.as_uri())
    charts = _charts(report.html)
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script("return document.body.dataset.chartsRendered")
    )
    rendered = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.chart')).map(c => [c.id,"
        " c.dataset.rendered, c.querySelectorAll('svg.marks').length,"
        " c.querySelectorAll('svg .mark-rect path, svg .mark-line path,"
        " svg .mark-symbol path').length])"
    )
    assert {chart for chart, *_ in rendered} == set(charts)
    for chart, state, svgs, marks in rendered:
        assert (state, svgs) == ("true", 1), chart
        assert marks > 0, f"{chart} ({charts[chart]}) drew no bars, lines or points"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)"
    )
    assert fetched == []  # nothing loaded from anywhere: the page is self-contained
    shot = tmp_path / "scorecard.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    section = browser.find_element("css selector", "#fw-nq17")
    browser.execute_script("arguments[0].scrollIntoView()", section)
    assert section.screenshot(str(tmp_path / "nq17.png"))


def test_a_rate_shown_is_the_snapshots_rate(report: Report, warehouse: Warehouse) -> None:
    ((rate,),) = _query(
        warehouse.snapshot,
        "SELECT rate FROM marts.score WHERE framework = 'par7-2024' AND criterion = '7.1.3'",
    )
    assert isinstance(rate, Decimal)
    assert vn_percent(rate) in _row(report.html, "7.1.3")
