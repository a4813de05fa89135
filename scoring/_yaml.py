"""YAML reading for scoring's own files: decimals stay exact, never floats."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

# The C parser when PyYAML has it (the framework files are large); same safe rules.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DecimalLoader(_SafeBase):
    """A safe loader that turns YAML floats into Decimals built from the written text."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    try:
        return Decimal(text)
    except ArithmeticError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a plain decimal number", node.start_mark
        ) from exc


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file with decimals kept exact; errors name the file."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
