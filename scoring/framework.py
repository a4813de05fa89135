"""Frameworks as data: load, check and look up `scoring/frameworks/*.yaml`.

A framework file holds the criteria as a flat list; each criterion names its
parent, so the tree follows the official numbering. Loading refuses a file, naming
the file and the criterion, when a `sum` node's children do not add up to its
maximum, a method kind is unknown, a measure key is malformed or not catalogued, an
id repeats, a parent is missing or the parents loop, or a method's parameters are
missing or wrong. Every problem found is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from scoring._yaml import read_yaml
from scoring.catalogue import Catalogue, CatalogueError, load_catalogue
from scoring.method_params import METHOD_KINDS, as_decimal, check_method
from scoring.model import ORG_UNIT_LEVELS
from scoring.periods import PERIOD_TYPES
from scoring.sections import (
    Sections,
    parse_classification,
    parse_ranking,
    parse_rollups,
    parse_substitution_rules,
)

FRAMEWORKS_DIR = Path(__file__).with_name("frameworks")

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
AGGREGATES = ("sum_of_rounded", "round_of_sum")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_TOP_FIELDS = {
    "id", "version", "name_vi", "name_en", "citation", "period_type", "unit_level",
    "rounding", "criteria", "substitution_rules", "rollups", "classification", "ranking",
}  # fmt: skip
_CRITERION_FIELDS = {
    "id", "parent", "name_vi", "name_en", "max", "max_without_survey", "method",
    "params", "measures", "notes", "substitutions",
}  # fmt: skip


class FrameworkError(ValueError):
    """A framework file that cannot be used; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Rounding:
    """How leaf points are rounded and how parents aggregate them."""

    decimals: int
    mode: str
    aggregate: str

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)

    def apply(self, value: Decimal) -> Decimal:
        """Round `value` to the framework's decimals with its mode."""
        return value.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode])


@dataclass(frozen=True)
class Criterion:
    """One node of a framework's criteria tree.

    `max_points` is the official maximum; `self_assessed_max` leaves out survey
    criteria below it. `measures` maps a method's roles (numerator, denominator,
    fact, ...) to canonical measure keys.
    """

    id: str
    parent: str | None
    name_vi: str
    name_en: str
    max_points: Decimal
    self_assessed_max: Decimal
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""
    children: tuple[str, ...] = ()
    substitutions: tuple[str, ...] = ()

    @property
    def scaled(self) -> bool:
        """A sum node whose children's points are scaled to its official maximum."""
        return self.method == "sum" and self.params.get("scale_to_max") is True

    def decimal_param(self, name: str) -> Decimal:
        """A decimal parameter (checked at load time)."""
        value = self.params[name]
        if not isinstance(value, Decimal):
            raise TypeError(f"criterion {self.id}: parameter {name} is not a number")
        return value

    def text_param(self, name: str, default: str = "") -> str:
        """A text parameter, or `default` when absent."""
        return str(self.params.get(name, default))

    def texts_param(self, name: str) -> tuple[str, ...]:
        """A list-of-text parameter (checked at load time)."""
        return tuple(str(v) for v in self.params[name])

    def steps(self) -> tuple[tuple[str, Decimal], ...]:
        """The `steps` table: (enum value, points) in the file's order."""
        return tuple((str(s["value"]), Decimal(s["points"])) for s in self.params["steps"])


@dataclass(frozen=True)
class Framework:
    """A framework version: metadata, rounding and the criteria in tree pre-order."""

    id: str
    version: str
    name_vi: str
    name_en: str
    citation: str
    period_type: str
    unit_level: str
    rounding: Rounding
    criteria: tuple[Criterion, ...]
    path: str = ""
    sections: Sections = field(default_factory=Sections)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; KeyError naming it if there is none."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(f"framework {self.id} has no criterion {criterion_id!r}")

    @property
    def root(self) -> Criterion:
        return self.criteria[0]

    @property
    def max_points(self) -> Decimal:
        """The official maximum (survey included)."""
        return self.root.max_points

    @property
    def self_assessed_max(self) -> Decimal:
        """The maximum without survey criteria."""
        return self.root.self_assessed_max


# --- parsing ---------------------------------------------------------------------------


class _Problems:
    """Collects problems, each prefixed with the file (and criterion)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, message: str, criterion: str | None = None) -> None:
        where = f"{self.path}: criterion {criterion}: " if criterion else f"{self.path}: "
        self.items.append(where + message)


def _text(raw: Mapping[str, Any], name: str, problems: _Problems, cid: str | None) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.add(f"{name!r} must be non-empty text", cid)
        return ""
    return value.strip()


def _points(value: Any, what: str, decimals: int, problems: _Problems, cid: str) -> Decimal:
    number = as_decimal(value)
    if number is None or number < 0:
        problems.add(f"{what} must be a non-negative number, not {value!r}", cid)
        return Decimal(0)
    if number != number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN):
        problems.add(f"{what} {number} has more than the framework's {decimals} decimals", cid)
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _rounding(raw: Any, problems: _Problems) -> Rounding:
    if not isinstance(raw, dict):
        problems.add("'rounding' must be a mapping {decimals, mode, aggregate}")
        return Rounding(2, "half_up", "sum_of_rounded")
    decimals, mode, aggregate = raw.get("decimals"), raw.get("mode"), raw.get("aggregate")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        problems.add(f"rounding.decimals must be a whole number 0-6, not {decimals!r}")
        decimals = 2
    if mode not in ROUNDING_MODES:
        problems.add(f"rounding.mode {mode!r} is not one of {', '.join(ROUNDING_MODES)}")
        mode = "half_up"
    if aggregate not in AGGREGATES:
        problems.add(f"rounding.aggregate {aggregate!r} is not one of {', '.join(AGGREGATES)}")
        aggregate = "sum_of_rounded"
    return Rounding(decimals, str(mode), str(aggregate))


def _criterion_id(raw: Any, index: int, problems: _Problems) -> str | None:
    if not isinstance(raw, dict):
        problems.add(f"criteria[{index}] must be a mapping")
        return None
    cid = raw.get("id")
    if not isinstance(cid, str) or not _ID.match(cid):
        cut = "…" if len(repr(cid)) > 70 else ""  # a pasted page is shown by its start
        problems.add(
            f'criteria[{index}]: id {cid!r:.70}{cut} must be quoted text like "7.1.2.a" '
            "of at most 64 characters"
        )
        return None
    return cid


def _measures(raw: Any, cid: str, catalogue: Catalogue, problems: _Problems) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add("'measures' must map roles (numerator, denominator, fact, ...) to keys", cid)
        return {}
    keys: dict[str, str] = {}
    for role, key in raw.items():
        try:
            keys[str(role)] = str(catalogue.validate_key(str(key)))
        except CatalogueError as exc:
            problems.add(f"measures.{role}: {exc}", cid)
    return keys


def _params(raw: Any, cid: str, problems: _Problems) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add("'params' must be a mapping", cid)
        return {}
    params: dict[str, Any] = {}
    for name, value in raw.items():
        number = as_decimal(value)
        params[str(name)] = value if number is None else number
    return params


def _parse_criterion(
    raw: dict[str, Any], cid: str, decimals: int, catalogue: Catalogue, problems: _Problems
) -> Criterion:
    unknown = set(raw) - _CRITERION_FIELDS
    if unknown:
        problems.add(f"unknown field(s) {', '.join(sorted(unknown))}", cid)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.add(f"parent {parent!r} must be a quoted id or null", cid)
        parent = str(parent)
    method = raw.get("method")
    if method not in METHOD_KINDS:
        problems.add(f"unknown method kind {method!r} (known: {', '.join(METHOD_KINDS)})", cid)
    max_points = _points(raw.get("max"), "max", decimals, problems, cid)
    declared = raw.get("max_without_survey")
    without = (
        max_points
        if declared is None
        else _points(declared, "max_without_survey", decimals, problems, cid)
    )
    return Criterion(
        id=cid,
        parent=parent,
        name_vi=_text(raw, "name_vi", problems, cid),
        name_en=_text(raw, "name_en", problems, cid),
        max_points=max_points,
        self_assessed_max=without,
        method=str(method),
        params=_params(raw.get("params"), cid, problems),
        measures=_measures(raw.get("measures"), cid, catalogue, problems),
        notes=str(raw.get("notes") or "").strip(),
        substitutions=_substitutions(raw.get("substitutions"), cid, problems),
    )


def _substitutions(raw: Any, cid: str, problems: _Problems) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        problems.add("'substitutions' must be a list of substitution rule ids", cid)
        return ()
    return tuple(raw)


# --- structure ---------------------------------------------------------------------------


def _check_structure(criteria: Sequence[Criterion], problems: _Problems) -> None:
    """Duplicate ids, a single root, parents that exist, no loops."""
    seen: set[str] = set()
    for c in criteria:
        if c.id in seen:
            problems.add("duplicate id", c.id)
        seen.add(c.id)
    by_id = {c.id: c for c in criteria}
    roots = [c.id for c in criteria if c.parent is None]
    if len(roots) != 1:
        problems.add(f"expected exactly one root criterion (parent: null), found {roots}")
    for c in criteria:
        if c.parent is not None and c.parent not in by_id:
            problems.add(f"parent {c.parent!r} is not a criterion of this file (orphan)", c.id)
    for c in criteria:
        chain = [c.id]
        node = c
        while node.parent is not None and node.parent in by_id:
            if node.parent in chain:
                loop = " → ".join([*chain[chain.index(node.parent) :], node.parent])
                problems.add(f"its parent chain loops: {loop}", c.id)
                break
            chain.append(node.parent)
            node = by_id[node.parent]


def _with_children(criteria: Sequence[Criterion]) -> list[Criterion]:
    children: dict[str, list[str]] = {}
    for c in criteria:
        if c.parent is not None:
            children.setdefault(c.parent, []).append(c.id)
    return [replace(c, children=tuple(children.get(c.id, ()))) for c in criteria]


def _pre_order(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    by_id = {c.id: c for c in criteria}
    ordered: list[Criterion] = []
    stack = [c for c in criteria if c.parent is None][:1]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(by_id[child] for child in reversed(node.children))
    return tuple(ordered)


def _has_survey(c: Criterion, by_id: Mapping[str, Criterion]) -> bool:
    return c.method == "survey" or any(_has_survey(by_id[k], by_id) for k in c.children)


def _check_sums(criteria: Sequence[Criterion], raw: Mapping[str, Any], problems: _Problems) -> None:
    """Sum nodes add up (official max and the max without survey); survey is explicit."""
    by_id = {c.id: c for c in criteria}
    for c in criteria:
        survey_below = _has_survey(c, by_id)
        if c.method != "sum" and c.children:
            problems.add(f"method {c.method} cannot have children (only sum nodes do)", c.id)
        if c.method not in ("sum", "survey") and c.self_assessed_max != c.max_points:
            problems.add("max_without_survey differs from max on a criterion without survey", c.id)
        if c.method == "survey" and "max_without_survey" in raw[c.id]:
            problems.add("a survey criterion has no max_without_survey", c.id)
        if c.method == "sum" and survey_below and "max_without_survey" not in raw[c.id]:
            problems.add("a survey criterion lies below: declare max_without_survey", c.id)
        if c.method != "sum" or not c.children:
            if c.method == "sum":
                problems.add("a sum node needs children", c.id)
            continue
        kids = [by_id[k] for k in c.children]
        total = sum((k.max_points for k in kids), Decimal(0))
        if c.scaled:
            continue
        if total != c.max_points:
            parts = " + ".join(f"{k.id} {k.max_points}" for k in kids)
            problems.add(
                f"children's maxima add up to {total} ({parts}), not max {c.max_points}", c.id
            )
        without = sum((_self_max(k) for k in kids), Decimal(0))
        if without != c.self_assessed_max:
            problems.add(
                f"children's maxima without survey add up to {without}, "
                f"not max_without_survey {c.self_assessed_max}",
                c.id,
            )


def _self_max(c: Criterion) -> Decimal:
    return Decimal(0) if c.method == "survey" else c.self_assessed_max


# --- the document --------------------------------------------------------------------------


def _header(document: Mapping[str, Any], problems: _Problems) -> dict[str, str]:
    unknown = set(document) - _TOP_FIELDS
    if unknown:
        problems.add(f"unknown top-level field(s) {', '.join(sorted(unknown))}")
    fields = {
        name: _text(document, name, problems, None)
        for name in ("id", "version", "name_vi", "name_en", "citation", "period_type", "unit_level")
    }
    if fields["id"] and not _FRAMEWORK_ID.match(fields["id"]):
        cut = "…" if len(repr(fields["id"])) > 70 else ""  # a pasted page is shown by its start
        problems.add(
            f"id {fields['id']!r:.70}{cut} must be lower-case letters, digits, '.' and '-', "
            "at most 64 characters"
        )
    if fields["period_type"] and fields["period_type"] not in PERIOD_TYPES:
        problems.add(
            f"period_type {fields['period_type']!r} is not one of {', '.join(PERIOD_TYPES)}"
        )
    if fields["unit_level"] and fields["unit_level"] not in ORG_UNIT_LEVELS:
        problems.add(
            f"unit_level {fields['unit_level']!r} is not one of {', '.join(ORG_UNIT_LEVELS)}"
        )
    return fields


def read_framework(path: Path, catalogue: Catalogue | None = None) -> Framework:
    """Read and check one framework file; FrameworkError lists every problem found."""
    catalogue = catalogue or load_catalogue()
    problems = _Problems(path)
    try:
        document = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise FrameworkError([f"{path}: {exc}"]) from exc
    if not isinstance(document, dict):
        raise FrameworkError([f"{path}: expected a mapping at the top level"])
    header = _header(document, problems)
    rounding = _rounding(document.get("rounding"), problems)
    raw_list = document.get("criteria")
    if not isinstance(raw_list, list) or not raw_list:
        problems.add("'criteria' must be a non-empty list")
        raise FrameworkError(problems.items)
    parsed: list[Criterion] = []
    raw_by_id: dict[str, Any] = {}
    for index, raw in enumerate(raw_list):
        cid = _criterion_id(raw, index, problems)
        if cid is not None:
            parsed.append(_parse_criterion(raw, cid, rounding.decimals, catalogue, problems))
            raw_by_id.setdefault(cid, raw)
    before = len(problems.items)
    _check_structure(parsed, problems)
    if len(problems.items) > before:
        # Without a sound tree the sums cannot be checked.
        raise FrameworkError(problems.items)
    criteria = _with_children(parsed)
    _check_sums(criteria, raw_by_id, problems)
    for c in criteria:
        for message in check_method(c, catalogue):
            problems.add(message, c.id)
    sections = _sections(document, criteria, rounding, catalogue, problems)
    if problems.items:
        raise FrameworkError(problems.items)
    return Framework(
        **header,
        rounding=rounding,
        criteria=_pre_order(criteria),
        path=str(path),
        sections=sections,
    )


def _sections(
    document: Mapping[str, Any],
    criteria: Sequence[Criterion],
    rounding: Rounding,
    catalogue: Catalogue,
    problems: _Problems,
) -> Sections:
    maxima = {c.id: c.max_points for c in criteria}
    rules = parse_substitution_rules(document.get("substitution_rules"), catalogue, problems.add)
    for c in criteria:
        unknown = [r for r in c.substitutions if r not in rules]
        if unknown:
            problems.add(f"substitutions name unknown rule(s) {', '.join(unknown)}", c.id)
        if c.substitutions and (c.method == "sum" or c.children):
            problems.add("substitutions apply to scored leaves, not sum nodes", c.id)
    classification = parse_classification(document.get("classification"), maxima, problems.add)
    ranking = parse_ranking(document.get("ranking"), maxima, problems.add)
    if ranking.ranked_only_with_level and not classification.levels:
        problems.add("ranking.ranked_only_with_level needs classification.levels")
    return Sections(
        substitution_rules=rules,
        rollups=parse_rollups(document.get("rollups"), maxima, rounding.decimals, problems.add),
        classification=classification,
        ranking=ranking,
    )


def _framework_files(directory: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        document = read_yaml(path)
        framework_id = document.get("id") if isinstance(document, dict) else None
        if not isinstance(framework_id, str):
            raise FrameworkError([f"{path}: no framework id"])
        if framework_id in files:
            raise FrameworkError(
                [f"{path}: id {framework_id!r} is also used by {files[framework_id]}"]
            )
        files[framework_id] = path
    return files


def list_frameworks(directory: Path = FRAMEWORKS_DIR) -> list[str]:
    """The ids of the available frameworks, sorted."""
    return sorted(_framework_files(directory))


@cache
def load_framework(framework_id: str, directory: Path = FRAMEWORKS_DIR) -> Framework:
    """Load and check a framework by id (e.g. `par7-2024`)."""
    files = _framework_files(directory)
    if framework_id not in files:
        known = ", ".join(sorted(files)) or "none"
        raise FrameworkError([f"unknown framework {framework_id!r} (available: {known})"])
    return read_framework(files[framework_id])
