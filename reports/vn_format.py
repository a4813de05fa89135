"""Numbers, percentages and dates written the Vietnamese way (spec frameworks.md §1.4).

Official tables write `.` between thousands and `,` before decimals: `58.123`, `0,71`,
`74,4%`. The warehouse keeps plain numbers; these helpers make the text a report shows.

In a spreadsheet a number stays a number so that an official can add the column up,
and a number format cannot choose its own separators: Excel and LibreOffice draw
`#,##0.00` with the separators of the reader's regional settings (`1.234,56` on a
machine set to Vietnamese, `1,234.56` on an English one). So
points are numeric cells with `points_format(decimals)`, and every figure the official
tables print inside text — rates, `b/a`, dates, points lost — is text made here, the
same on every machine.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal


def points_format(decimals: int) -> str:
    """The number format of a points cell: grouping and `decimals` fixed decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _group(digits: str) -> str:
    """`1234567` → `1.234.567`."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def vn_number(value: Decimal | int, decimals: int = 0, *, rounding: str = ROUND_HALF_UP) -> str:
    """`value` with exactly `decimals` decimals (half-up): `1234.5, 2` → `1.234,50`."""
    quantum = Decimal(1).scaleb(-decimals)
    shown = Decimal(value).quantize(quantum, rounding=rounding)
    sign = "-" if shown < 0 else ""
    text = f"{abs(shown):f}"
    whole, _, fraction = text.partition(".")
    return sign + _group(whole) + ("," + fraction if fraction else "")


def vn_quantity(value: Decimal | int, max_decimals: int = 2) -> str:
    """A count or amount: whole numbers without decimals (`1.412`), others with at most
    `max_decimals` (trailing zeros dropped: `12,5`)."""
    shown = Decimal(value).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    if shown == shown.to_integral_value():
        return vn_number(shown, 0)
    text = vn_number(shown, max_decimals)
    return text.rstrip("0").rstrip(",")


def vn_percent(rate: Decimal, decimals: int = 1, *, bar: Decimal | None = None) -> str:
    """A rate (0–1) as a percentage with `decimals` decimals, half-up: `0.822667` →
    `82,3%`.

    With `bar` (a target, floor or minimum the rate is tested against), a rate below
    the bar never shows as reaching it: 0.7996 against 0.80 is `79,9%`, not `80,0%`.
    """
    percent = rate * 100
    rounding = ROUND_HALF_UP
    if bar is not None and rate < bar:
        quantum = Decimal(1).scaleb(-decimals)
        if percent.quantize(quantum, rounding=ROUND_HALF_UP) >= bar * 100:
            rounding = ROUND_DOWN
    return vn_number(percent, decimals, rounding=rounding) + "%"


def vn_target(rate: Decimal) -> str:
    """A target rate as the official tables print it: `40%`, `87,5%` (no trailing zeros)."""
    return vn_quantity(rate * 100, 2) + "%"


def vn_date(value: str | date | datetime | None) -> str:
    """A date as `dd/mm/yyyy`; an ISO date text is converted, any other text kept."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text
