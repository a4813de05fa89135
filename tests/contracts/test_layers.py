"""Layer rule: contracts import nothing of ours; warehouse imports only contracts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "flows",
    "connectors",
    "contracts",
    "warehouse",
    "transforms",
    "scoring",
    "reports",
    "simulator",
}
ALLOWED = {
    "contracts": {"contracts"},
    "warehouse": {"warehouse", "contracts"},
    "reports": {"reports", "warehouse", "scoring", "contracts"},
}


def our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & OURS


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_what_it_may(layer: str) -> None:
    for path in sorted(ROOT.joinpath(layer).glob("*.py")):
        assert our_imports(path) <= ALLOWED[layer], path.name
