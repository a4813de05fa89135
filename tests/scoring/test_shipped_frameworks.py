"""Every shipped framework file loads, and its sums match the official maxima.

The maxima are the ones the decisions print (spec frameworks.md §2–5, ita-2018.md
§1.3): a file that drifts from them fails here, whatever its own sums say.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.framework import Framework, list_frameworks, load_framework

OFFICIAL: dict[str, dict[str, str]] = {
    "par7-2024": {"7": "13.50", "7.1": "3.50", "7.2": "3.00", "7.3": "7.00"},
    "nq17": {"NQ17": "22"},
    "dti-2024-dept": {
        "DTI": "420", "1": "50", "2": "50", "3": "20", "4": "75", "5": "90", "6": "135",
    },
    "dti-2024-dist": {
        "DTI": "700", "1": "70", "2": "60", "3": "60", "4": "65", "5": "100", "6": "140",
        "7": "75", "8": "130", "P-CQS": "495", "P-KTS": "430", "P-XHS": "485",
    },
    "ita-2018-dept": {
        "dept": "1000", "dept.I": "100", "dept.II": "400", "dept.III": "100",
        "dept.IV": "200", "dept.V": "100", "dept.VI": "100",
    },
    "ita-2018-dist": {
        "dist.A": "500", "dist.A.I": "300", "dist.A.II": "120", "dist.A.III": "80",
        "dist.B": "1000", "dist.B.I": "400", "dist.B.II": "350", "dist.B.III": "200",
        "dist.B.IV": "50",
    },
    "ita-2018-com": {
        "com.A": "300", "com.A.I": "200", "com.A.II": "50", "com.A.III": "50",
        "com.B": "600", "com.B.I": "270", "com.B.II": "180", "com.B.III": "100",
        "com.B.IV": "50",
    },
}  # fmt: skip

LEAVES = {
    "par7-2024": 24, "nq17": 22, "dti-2024-dept": 35, "dti-2024-dist": 65,
    "ita-2018-dept": 96, "ita-2018-dist": 156, "ita-2018-com": 100,
}  # fmt: skip


def test_every_framework_the_issue_names_is_shipped() -> None:
    assert sorted(OFFICIAL) == list_frameworks()


def _maxima(framework: Framework) -> dict[str, Decimal]:
    found = {c.id: c.max_points for c in framework.criteria}
    found.update({r.id: r.max_points for r in framework.sections.rollups})
    return found


@pytest.mark.parametrize("framework_id", sorted(OFFICIAL))
def test_official_maxima(framework_id: str) -> None:
    maxima = _maxima(load_framework(framework_id))
    for criterion, official in OFFICIAL[framework_id].items():
        assert maxima[criterion] == Decimal(official), (framework_id, criterion)


@pytest.mark.parametrize("framework_id", sorted(OFFICIAL))
def test_leaf_criteria_counts(framework_id: str) -> None:
    framework = load_framework(framework_id)
    leaves = [c for c in framework.criteria if c.method != "sum"]
    assert len(leaves) == LEAVES[framework_id]


@pytest.mark.parametrize("framework_id", sorted(OFFICIAL))
def test_children_add_up_unless_scaled(framework_id: str) -> None:
    framework = load_framework(framework_id)
    by_id = {c.id: c for c in framework.criteria}
    for c in framework.criteria:
        if c.method != "sum" or c.scaled:
            continue
        total = sum((by_id[k].max_points for k in c.children), Decimal(0))
        assert total == c.max_points, (framework_id, c.id)
