"""The sizes the benchmark runs at (simulator scale and repeats)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from benchmarks.simproc import years_back

LAST_YEAR = 2024


@dataclass(frozen=True)
class Size:
    """`scale` of the simulator (1.0 ≈ 700k dossiers a year); two simulated years for
    the scenarios, 1 against `growth_years` years of history for the growth check (at
    `growth_scale`, default `scale`).

    The cold year runs `repeat` times (chiso, dlt parquet, the floor); dlt's default
    loader in the first `dlt_default_repeat` of them (it is slow); the Prefect flows and
    the nightly scenarios in the first `nightly_repeat`; the growth check
    `growth_repeat` times (0: not at all). ``--repeat N`` sets them all to N.
    """

    name: str
    scale: float
    repeat: int
    dlt_default_repeat: int = 1
    nightly_repeat: int = 1
    growth_repeat: int = 1
    years: tuple[int, ...] = (LAST_YEAR - 1, LAST_YEAR)
    growth_years: int = 8
    growth_scale: float | None = None  # None: `scale`
    seed: int = 89

    def repeated(self, n: int | None) -> Size:
        """This size with every repeat count set to `n` (None: unchanged)."""
        if n is None:
            return self
        growth = n if self.growth_repeat else 0
        return replace(self, repeat=n, dlt_default_repeat=n, nightly_repeat=n,
                       growth_repeat=growth)  # fmt: skip

    @property
    def growth_history(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        return (("1x", years_back(LAST_YEAR, 1)),
                (f"{self.growth_years}x", years_back(LAST_YEAR, self.growth_years)))  # fmt: skip


SIZES: dict[str, Size] = {
    "S": Size("S", scale=0.005, repeat=3),
    "M": Size("M", scale=0.03, repeat=3),
    # 8 years of history at scale 1 would hold ~30M records in the simulator: L's
    # growth check runs at 1/8 scale (its 8× history is one province-year of records).
    "L": Size("L", scale=1.0, repeat=3, growth_scale=0.125),
}
"""S and M: `make bench` (under ten minutes on two cores); L: a province-year, on
demand (`make bench-l`)."""


def parse_sizes(text: str) -> list[Size]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown or not names:
        raise ValueError(f"unknown size(s) {unknown or text!r}; choose from {', '.join(SIZES)}")
    return [SIZES[n] for n in names]
