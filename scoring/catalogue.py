"""The measure catalogue (`catalogue.yaml`): names, value types, filters, sources.

A key is valid when its name is catalogued and every filter is a dimension the
measure allows, with allowed values. Raw text values (from a measures file) are
coerced to the measure's type here, so the engine only ever sees typed values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from scoring._yaml import read_yaml
from scoring.measure_keys import MeasureKey, parse_measure_key
from scoring.model import Value

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.yaml")
# More measures, one file per framework family; same format, without `dimensions`.
CATALOGUE_PARTS = Path(__file__).with_name("catalogue.d")

VALUE_TYPES = ("count", "amount", "number", "share", "bool", "enum")
SOURCES = ("TTHC", "IOFFICE", "LRIS", "NDXP_LGSP", "MANUAL", "SURVEY")
NUMERIC_TYPES = ("count", "amount", "number", "share")
"""The types whose values are numbers; a `share` is a `number` from 0 to 1 (45% = 0.45)."""

_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_TRUE, _FALSE = "true", "false"


class CatalogueError(ValueError):
    """A measure key or value that the catalogue does not allow."""


@dataclass(frozen=True)
class Dimension:
    """A filter dimension and every value it can take."""

    name: str
    values: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class MeasureSpec:
    """One catalogued measure."""

    name: str
    value_type: str
    source: str
    description: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enum_values: tuple[str, ...] = ()

    @property
    def collected(self) -> bool:
        """True when a source system supplies it; False when the unit declares it."""
        return self.source not in ("MANUAL", "SURVEY")

    @property
    def numeric(self) -> bool:
        return self.value_type in NUMERIC_TYPES


@dataclass(frozen=True)
class Catalogue:
    """Every measure a framework may read, with the dimensions keys may filter on."""

    dimensions: Mapping[str, Dimension]
    measures: Mapping[str, MeasureSpec]
    source: str = "catalogue.yaml"

    def spec(self, name: str) -> MeasureSpec:
        """The spec of a measure name; CatalogueError (with a suggestion) if unknown."""
        try:
            return self.measures[name]
        except KeyError:
            close = difflib.get_close_matches(name, self.measures, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CatalogueError(f"unknown measure {name!r}{hint}") from None

    def validate_key(self, key: str | MeasureKey) -> MeasureKey:
        """Parse a key and check its name and filters; return it in canonical form."""
        parsed = key if isinstance(key, MeasureKey) else _parse(key)
        spec = self.spec(parsed.name)
        for dim, values in parsed.filters:
            allowed = spec.filters.get(dim)
            if allowed is None:
                allowed_dims = ", ".join(sorted(spec.filters)) or "none"
                raise CatalogueError(
                    f"measure key {str(parsed)!r}: {parsed.name} cannot be filtered on "
                    f"{dim!r} (allowed filters: {allowed_dims})"
                )
            for value in values:
                if value not in allowed:
                    raise CatalogueError(
                        f"measure key {str(parsed)!r}: {dim}={value} is not allowed "
                        f"({dim} takes {', '.join(allowed)})"
                    )
        return parsed

    def coerce(self, key: str | MeasureKey, raw: str) -> Value:
        """Turn the text of a value into the measure's type; CatalogueError says why not."""
        parsed = self.validate_key(key)
        return coerce_text(self.spec(parsed.name), raw)


def _parse(key: str) -> MeasureKey:
    try:
        return parse_measure_key(key)
    except ValueError as exc:
        raise CatalogueError(str(exc)) from None


def coerce_text(spec: MeasureSpec, raw: str) -> Value:
    """Coerce raw text to a value of `spec`'s type (true/false, integers, decimals, enum).

    A share must lie between 0 and 1: it is written as a fraction (0.45 for 45%).
    """
    text = raw.strip()
    if not text:
        raise CatalogueError(f"{spec.name}: empty value")
    if spec.value_type == "bool":
        return _coerce_bool(spec, text)
    if spec.value_type == "enum":
        if text not in spec.enum_values:
            raise CatalogueError(
                f"{spec.name}: {text!r} is not one of {', '.join(spec.enum_values)}"
            )
        return text
    return _coerce_number(spec, text)


def _coerce_bool(spec: MeasureSpec, text: str) -> bool:
    lowered = text.lower()
    if lowered == _TRUE:
        return True
    if lowered == _FALSE:
        return False
    raise CatalogueError(f"{spec.name}: {text!r} is not a yes/no value (write true or false)")


def _coerce_number(spec: MeasureSpec, text: str) -> Decimal:
    if not _PLAIN_NUMBER.match(text):
        hint = ""
        if "," in text or text.count(".") > 1:
            hint = " (write plain numbers: no thousands separator, '.' for decimals)"
        raise CatalogueError(f"{spec.name}: {text!r} is not a number{hint}")
    value = Decimal(text)
    if spec.value_type in ("count", "amount") and value < 0:
        raise CatalogueError(f"{spec.name}: {text} is negative; a {spec.value_type} cannot be")
    if spec.value_type == "count" and value != value.to_integral_value():
        raise CatalogueError(
            f"{spec.name}: {text!r} is not a whole number (a count; "
            "'58.123' style thousands separators are not accepted)"
        )
    if spec.value_type == "share":
        _check_share(spec, value)
    return value


def _check_share(spec: MeasureSpec, value: Decimal) -> None:
    if value > 1:
        raise CatalogueError(
            f"{spec.name} is a share: {value} is above 100% "
            "(write a share as a fraction, 0.45 for 45%)"
        )
    if value < 0:
        raise CatalogueError(f"{spec.name} is a share: {value} is below 0%")


# --- loading ------------------------------------------------------------------------


def _load_dimensions(raw: Any, path: Path) -> dict[str, Dimension]:
    if not isinstance(raw, dict) or not raw:
        raise CatalogueError(f"{path}: 'dimensions' must be a non-empty mapping")
    dims: dict[str, Dimension] = {}
    for name, entry in raw.items():
        values = entry.get("values") if isinstance(entry, dict) else None
        if not isinstance(values, list) or not values:
            raise CatalogueError(f"{path}: dimension {name!r} needs a non-empty 'values' list")
        dims[str(name)] = Dimension(
            str(name), tuple(str(v) for v in values), str(entry.get("description", ""))
        )
    return dims


def _load_filters(
    raw: Any, name: str, dims: Mapping[str, Dimension], path: Path
) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    entries = {d: None for d in raw} if isinstance(raw, list) else raw
    if not isinstance(entries, dict):
        raise CatalogueError(f"{path}: measure {name!r}: 'filters' must be a list or mapping")
    filters: dict[str, tuple[str, ...]] = {}
    for dim, values in entries.items():
        if dim not in dims:
            raise CatalogueError(f"{path}: measure {name!r}: unknown dimension {dim!r}")
        allowed = dims[dim].values if values is None else tuple(str(v) for v in values)
        extra = set(allowed) - set(dims[dim].values)
        if extra:
            raise CatalogueError(
                f"{path}: measure {name!r}: {dim} has no value(s) {', '.join(sorted(extra))}"
            )
        filters[str(dim)] = allowed
    return filters


_MEASURE_FIELDS = {"type", "source", "description", "filters", "values"}


def _load_measure(name: str, entry: Any, dims: Mapping[str, Dimension], path: Path) -> MeasureSpec:
    where = f"{path}: measure {name!r}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: must be a mapping")
    unknown = set(entry) - _MEASURE_FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        parse_measure_key(name)
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc}") from None
    value_type, source = entry.get("type"), entry.get("source")
    if value_type not in VALUE_TYPES:
        raise CatalogueError(f"{where}: type {value_type!r} is not one of {', '.join(VALUE_TYPES)}")
    if source not in SOURCES:
        raise CatalogueError(f"{where}: source {source!r} is not one of {', '.join(SOURCES)}")
    enum_values = tuple(str(v) for v in entry.get("values") or ())
    if (value_type == "enum") != bool(enum_values):
        raise CatalogueError(f"{where}: 'values' is required for enum measures and only for them")
    return MeasureSpec(
        name=name,
        value_type=value_type,
        source=source,
        description=str(entry.get("description", "")),
        filters=_load_filters(entry.get("filters"), name, dims, path),
        enum_values=enum_values,
    )


def _read_measures(
    document: Any, path: Path, dims: Mapping[str, Dimension]
) -> dict[str, MeasureSpec]:
    raw_measures = document.get("measures") if isinstance(document, dict) else None
    if not isinstance(raw_measures, dict) or not raw_measures:
        raise CatalogueError(f"{path}: 'measures' must be a non-empty mapping")
    return {
        str(name): _load_measure(str(name), entry, dims, path)
        for name, entry in raw_measures.items()
    }


def _same_definition(a: MeasureSpec, b: MeasureSpec) -> bool:
    """Same type, source, filters and values (descriptions may be worded differently)."""
    return (a.value_type, a.source, dict(a.filters), a.enum_values) == (
        b.value_type, b.source, dict(b.filters), b.enum_values,
    )  # fmt: skip


def read_catalogue(path: Path, parts: Sequence[Path] = ()) -> Catalogue:
    """Read and check a catalogue file and its parts (more measures, same dimensions).

    A measure may be listed in several files only with the same definition, so two
    frameworks can each list the measures they share.
    """
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise CatalogueError(f"{path}: expected a mapping with 'dimensions' and 'measures'")
    dims = _load_dimensions(document.get("dimensions"), path)
    measures = _read_measures(document, path, dims)
    origin = dict.fromkeys(measures, path)
    for part in parts:
        part_document = read_yaml(part)
        if isinstance(part_document, dict) and "dimensions" in part_document:
            raise CatalogueError(f"{part}: dimensions are declared only in {path.name}")
        for name, spec in _read_measures(part_document, part, dims).items():
            if name in measures and not _same_definition(measures[name], spec):
                raise CatalogueError(
                    f"{part}: measure {name!r} is also defined, differently, in {origin[name]}"
                )
            measures.setdefault(name, spec)
            origin.setdefault(name, part)
    return Catalogue(dims, measures, str(path))


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue: catalogue.yaml and catalogue.d/*.yaml (read once)."""
    return read_catalogue(DEFAULT_CATALOGUE, sorted(CATALOGUE_PARTS.glob("*.yaml")))


def validate_measure_key(key: str) -> str:
    """Check a key against the packaged catalogue; return its canonical text."""
    return str(load_catalogue().validate_key(key))


def coerce_measure_value(key: str, raw: str) -> Value:
    """Coerce raw text to the type the packaged catalogue gives `key`'s measure."""
    return load_catalogue().coerce(key, raw)
