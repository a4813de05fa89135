"""YAML reading for scoring's own files: decimals stay exact, never floats."""

from __future__ import annotations

import hashlib
import threading
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

# Parsed documents by file, with a digest of the text they were parsed from: a file is
# parsed once per process until its text changes (reading and hashing it costs a small
# fraction of parsing it; a modification time can repeat within a clock tick).
_PARSED: dict[Path, tuple[bytes, Any]] = {}
_LOCK = threading.Lock()


def _copy(value: Any) -> Any:
    """A copy of a parsed document: new dicts and lists, the same immutable scalars."""
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy(item) for item in value]
    return value


def read_yaml(path: Path) -> Any:
    """Parse one YAML file with decimals kept exact; errors name the file.

    A file is parsed once per process while its text stays the same; each caller gets
    its own copy of the document.
    """
    text = path.read_text(encoding="utf-8")
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
    key = path.absolute()
    with _LOCK:
        cached = _PARSED.get(key)
    if cached is not None and cached[0] == digest:
        return _copy(cached[1])
    try:
        document = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    with _LOCK:
        _PARSED[key] = (digest, document)
    return _copy(document)
