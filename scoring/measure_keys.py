"""Measure keys: a measure name with optional dimension filters in braces.

`dossiers_resolved{service_level=full,channel=online}` names the measure
`dossiers_resolved` restricted to full-process services and the online channel.
Filters may come in any order and a filter may list several values with `|`
(`dossiers_online{service_level=partial|full}`). The canonical form sorts the
filters by name and the values within each filter, and has no spaces; two keys
denote the same measure exactly when their canonical forms are equal.

Spaces around `{`, `}`, `,`, `=` and `|` are tolerated on input (the spec's tables
write `{service_level=full, channel=online}`); anything else outside
`[a-z0-9_]` is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True, order=True)
class MeasureKey:
    """A parsed measure key: a name and its filters, kept in canonical order."""

    name: str
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __str__(self) -> str:
        if not self.filters:
            return self.name
        parts = ",".join(f"{dim}={'|'.join(values)}" for dim, values in self.filters)
        return f"{self.name}{{{parts}}}"

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        """The filters as a dict: dimension → allowed values."""
        return dict(self.filters)


def _check_token(token: str, what: str, key: str) -> str:
    if not token:
        raise ValueError(f"measure key {key!r}: empty {what}")
    if not _TOKEN.match(token):
        bad = sorted({ch for ch in token if not re.match(r"[a-z0-9_]", ch)})
        raise ValueError(
            f"measure key {key!r}: {what} {token!r} has characters outside [a-z0-9_]: "
            + " ".join(repr(ch) for ch in bad)
        )
    return token


def _split_braces(key: str) -> tuple[str, str | None]:
    """Split `name{body}` into (name, body); body is None when there are no braces."""
    opens, closes = key.count("{"), key.count("}")
    if opens == 0 and closes == 0:
        return key, None
    if opens != 1 or closes != 1:
        raise ValueError(
            f"measure key {key!r}: unbalanced or repeated braces "
            "(write name{dim=value,...} with one pair of braces)"
        )
    start, end = key.index("{"), key.index("}")
    if end < start:
        raise ValueError(f"measure key {key!r}: '}}' comes before '{{'")
    if key[end + 1 :].strip():
        raise ValueError(f"measure key {key!r}: text after the closing brace")
    return key[:start], key[start + 1 : end]


def _parse_filter(part: str, key: str) -> tuple[str, tuple[str, ...]]:
    if "=" not in part:
        raise ValueError(f"measure key {key!r}: filter {part.strip()!r} has no '=' (dim=value)")
    dim_text, _, values_text = part.partition("=")
    dim = _check_token(dim_text.strip(), "filter name", key)
    values = [
        _check_token(v.strip(), f"value of filter {dim!r}", key) for v in values_text.split("|")
    ]
    if len(set(values)) != len(values):
        raise ValueError(f"measure key {key!r}: filter {dim!r} lists a value twice")
    return dim, tuple(sorted(values))


def parse_measure_key(key: str) -> MeasureKey:
    """Parse a measure key; raise ValueError naming the key and what is wrong with it."""
    if not isinstance(key, str):
        raise ValueError(f"measure key must be text, not {type(key).__name__}")
    name_text, body = _split_braces(key.strip())
    name = _check_token(name_text.strip(), "measure name", key)
    if body is None:
        return MeasureKey(name)
    if not body.strip():
        raise ValueError(f"measure key {key!r}: empty braces (leave them out when unfiltered)")
    filters = [_parse_filter(part, key) for part in body.split(",")]
    dims = [dim for dim, _ in filters]
    repeated = sorted({d for d in dims if dims.count(d) > 1})
    if repeated:
        raise ValueError(f"measure key {key!r}: filter {repeated[0]!r} is given more than once")
    return MeasureKey(name, tuple(sorted(filters)))


@lru_cache(maxsize=65536)
def canonical_key(key: str) -> str:
    """The canonical text of a measure key (filters and values sorted, no spaces)."""
    return str(parse_measure_key(key))
