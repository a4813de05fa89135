"""What the CLI prints after a build: a scorecard for a province-level framework, a
standings summary for a framework that scores many units, the NQ17 months."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from flows.build import BuildResult, FrameworkResult
from scoring.model import ScoreRow
from scoring.ranking import RankingRow
from scoring.render import format_rate

TOP = 3


def _rate_cell(row: ScoreRow) -> str:
    if row.numerator is None or row.denominator is None:
        return format_rate(row.rate) if row.rate is not None else ""
    return (
        f"{row.numerator.normalize():f}/{row.denominator.normalize():f} = {format_rate(row.rate)}"
    )


def print_scorecard(console: Console, rows: Sequence[ScoreRow], title: str) -> None:
    """The scorecard: criterion, Vietnamese name, max, points, rate as b/a, status.

    Rows with a target (NQ17) also show the target and met / not met.
    """
    with_targets = any(r.target is not None for r in rows)
    table = Table(title=title, show_lines=False)
    table.add_column("criterion")
    table.add_column("tên tiêu chí", overflow="fold", max_width=60)
    table.add_column("max", justify="right")
    table.add_column("points", justify="right")
    table.add_column("rate (b/a)", justify="right")
    if with_targets:
        table.add_column("target", justify="right")
        table.add_column("met")
    table.add_column("status")
    for row in rows:
        depth = row.criterion.count(".")
        bold = "bold" if row.parent is None or depth <= 1 else ""
        cells = [
            "  " * depth + row.criterion,
            row.name_vi,
            str(row.max_points),
            "—" if row.points is None else str(row.points),
            _rate_cell(row),
        ]
        if with_targets:
            cells.append("" if row.target is None else format_rate(row.target))
            cells.append({True: "đạt", False: "[red]không đạt[/]", None: ""}[row.met])
        cells.append("" if str(row.status) == "scored" else str(row.status))
        table.add_row(*cells, style=bold)
    console.print(table)


def _points(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


def print_standings(
    console: Console, result: FrameworkResult, period: str, names: Mapping[str, str]
) -> None:
    """Units scored, the top and bottom units with rank and band or level, label counts."""
    standings = result.standings
    framework = result.framework
    ranked = [s for s in standings if s.rank is not None]
    title = f"{framework.id} — {period}: {framework.name_vi}"
    table = Table(title=title, show_lines=False)
    for column in ("", "rank", "unit", "tên đơn vị", "points", "max", "band / level", "status"):
        table.add_column(column, justify="right" if column in ("rank", "points", "max") else "left")
    shown = ranked[:TOP] + [s for s in ranked[-TOP:] if s not in ranked[:TOP]]
    unranked = [s for s in standings if s.rank is None]
    for s in shown + unranked[:TOP]:
        where = "top" if s in ranked[:TOP] else "bottom" if s.rank is not None else "unranked"
        table.add_row(
            where, str(s.rank or "—"), s.unit, names.get(s.unit, ""), _points(s.points),
            str(s.max_points), s.label or "", "" if str(s.status) == "scored" else str(s.status),
        )  # fmt: skip
    console.print(table)
    console.print(_label_counts(standings, len(unranked)), highlight=False)


def _label_counts(standings: Sequence[RankingRow], unranked: int) -> str:
    labels = Counter(s.label for s in standings if s.label)
    parts = [f"{len(standings)} units scored", f"{len(standings) - unranked} ranked"]
    parts += [f"{label}: {n}" for label, n in sorted(labels.items())]
    return "  " + " · ".join(parts)


def print_nq17_months(console: Console, months: Sequence[tuple[str, FrameworkResult]]) -> None:
    """Per month: targets met out of the total, and the targets not met."""
    table = Table(title="NQ17 — chỉ tiêu Nghị quyết 17/NQ-CP theo tháng")
    table.add_column("tháng")
    table.add_column("đạt", justify="right")
    table.add_column("chỉ tiêu chưa đạt / không đủ số liệu", overflow="fold")
    for period, result in months:
        targets = [r for r in result.rows if r.method == "target_met"]
        met = sum(1 for r in targets if r.met)
        missed = [r.criterion for r in targets if r.met is False]
        unknown = [r.criterion for r in targets if r.met is None]
        text = ", ".join(missed) + (f" (no data: {', '.join(unknown)})" if unknown else "")
        table.add_row(period, f"{met}/{len(targets)}", text)
    console.print(table)


def print_build(console: Console, built: Sequence[BuildResult]) -> None:
    """Everything a build produced: scorecards, standings, NQ17 months."""
    months: list[tuple[str, FrameworkResult]] = []
    for result in built:
        for fw in result.frameworks:
            if fw.framework.unit_level != "province":
                print_standings(console, fw, result.period, result.unit_names)
            elif fw.framework.period_type == "month":
                months.append((result.period, fw))
            else:
                title = f"{fw.framework.id} — {result.period}"
                print_scorecard(console, fw.rows, title)
    if len(months) == 1:
        print_scorecard(console, months[0][1].rows, f"{months[0][1].framework.id} — {months[0][0]}")
    elif months:
        print_nq17_months(console, months)
