"""A YAML file is parsed once per process until its text changes; callers never share
(or spoil) each other's documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring import _yaml
from scoring._yaml import read_yaml


def test_an_unchanged_file_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1.50\nb: [x, y]\n", encoding="utf-8")
    parsed = []
    real = _yaml.yaml.load

    def counting(text: str, Loader: object) -> object:
        parsed.append(text)
        return real(text, Loader=Loader)  # type: ignore[arg-type]

    monkeypatch.setattr(_yaml.yaml, "load", counting)
    first, second = read_yaml(path), read_yaml(path)
    assert first == second == {"a": Decimal("1.50"), "b": ["x", "y"]}
    assert len(parsed) == 1
    first["b"].append("z")  # a caller's changes stay its own
    assert read_yaml(path) == {"a": Decimal("1.50"), "b": ["x", "y"]}


def test_a_changed_file_is_read_again_even_within_the_same_clock_tick(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("max: 1.00\n", encoding="utf-8")
    assert read_yaml(path) == {"max": Decimal("1.00")}
    stat = path.stat()
    path.write_text("max: 2.00\n", encoding="utf-8")  # same size
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert read_yaml(path) == {"max": Decimal("2.00")}


def test_invalid_yaml_still_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yaml: not valid YAML"):
        read_yaml(path)
    with pytest.raises(ValueError, match=r"bad\.yaml: not valid YAML"):
        read_yaml(path)
