"""Contracts: the pandera models every entity and every mart row must satisfy.

Imports nothing else of chiso. `validate_page` splits a connector's page into typed
valid rows and rejected rows with readable reasons; `validate_marts_measure` and
`validate_marts_score` guard what the transforms and the scoring engine write.
"""

from contracts.entities import (
    DATE_COLUMNS,
    ENTITY_MODELS,
    NATURAL_KEYS,
    ContractResult,
    validate_page,
)
from contracts.marts import MartContractError, validate_marts_measure, validate_marts_score

__all__ = [
    "DATE_COLUMNS",
    "ENTITY_MODELS",
    "NATURAL_KEYS",
    "ContractResult",
    "MartContractError",
    "validate_marts_measure",
    "validate_marts_score",
    "validate_page",
]
