"""Scoring: frameworks as data (YAML) and one small engine; measures in, points out.

Pure: imports nothing else of chiso and reads only its own YAML files.
"""

from scoring.catalogue import (
    Catalogue,
    CatalogueError,
    MeasureSpec,
    coerce_measure_value,
    load_catalogue,
    validate_measure_key,
)
from scoring.engine import ScoringInputError, score_framework
from scoring.framework import (
    Criterion,
    Framework,
    FrameworkError,
    list_frameworks,
    load_framework,
    read_framework,
)
from scoring.measure_keys import MeasureKey, canonical_key, parse_measure_key
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status, Value
from scoring.periods import period_type

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Criterion",
    "Framework",
    "FrameworkError",
    "MeasureKey",
    "MeasureSpec",
    "MeasureValue",
    "OrgUnit",
    "ScoreRow",
    "ScoringInputError",
    "Status",
    "Value",
    "canonical_key",
    "coerce_measure_value",
    "list_frameworks",
    "load_catalogue",
    "load_framework",
    "parse_measure_key",
    "period_type",
    "read_framework",
    "score_framework",
    "validate_measure_key",
]
