"""Re-running one disputed indicator: which source endpoints feed a criterion.

A criterion reads measures; a collected measure counts the records of one fact view;
each fact view counts the records of one source entity (the other tables it joins
are registers and catalogues, which describe current state and are not re-fetched).
So a rerun re-collects only those endpoints for the period, then rebuilds it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from scoring.framework import Criterion, Framework, FrameworkError, load_framework
from transforms.measures import transforms_for

# The source entity whose records each fact view counts.
RELATION_RECORDS: dict[str, tuple[str, str]] = {
    "dossier_fact": ("tthc", "dossier"),
    "procedure_fact": ("tthc", "procedure"),
    "procedure_unit_fact": ("tthc", "procedure"),
    "procedure_year_fact": ("tthc", "dossier"),
    "payment_fact": ("tthc", "payment"),
    "unit_fact": ("ioffice", "connected_unit"),
    "document_workfile_fact": ("ioffice", "work_file"),
    "outgoing_document_fact": ("ioffice", "outgoing_document"),
    "report_submission_fact": ("lris", "report_submission"),
    "report_regime_fact": ("lris", "report_regime"),
    "data_service_fact": ("ndxp", "data_service"),
    "shared_data_app_fact": ("ndxp", "shared_data_app"),
    "unit_procedure_fact": ("tthc", "unit_procedure"),
    "one_stop_unit_fact": ("tthc", "one_stop_unit"),
    "feedback_fact": ("tthc", "feedback"),
    "interlink_transfer_fact": ("tthc", "interlink_transfer"),
    "edms_document_fact": ("ioffice", "outgoing_document"),
    "edms_unit_fact": ("ioffice", "edms_unit"),
    "edms_usage_fact": ("ioffice", "edms_usage"),
    "statistic_fact": ("lris", "statistic"),
    "it_report_fact": ("lris", "it_report"),
    "platform_link_fact": ("ndxp", "platform_link"),
    "population_snapshot_fact": ("ndxp", "population_snapshot"),
}
# Views over two entities: the incoming documents are counted with the work files (and
# with the outgoing ones), an interlinked hand-off is read with its dossier.
_ALSO: dict[str, tuple[tuple[str, str], ...]] = {
    "document_workfile_fact": (("ioffice", "incoming_document"),),
    "unit_fact": (("tthc", "unit"),),
    "edms_document_fact": (("ioffice", "incoming_document"),),
    "interlink_transfer_fact": (("tthc", "dossier"),),
}


class RerunError(ValueError):
    """A rerun request that names something that does not exist."""


@dataclass(frozen=True)
class RerunPlan:
    """What a rerun of one criterion re-collects."""

    framework: str
    criterion: str
    measures: tuple[str, ...]
    declared: tuple[str, ...]
    endpoints: tuple[tuple[str, str], ...]


def find_framework(framework_id: str) -> Framework:
    """The framework, or RerunError naming the ones there are."""
    try:
        return load_framework(framework_id)
    except FrameworkError as exc:
        raise RerunError(str(exc)) from None


def find_criterion(framework_id: str, criterion_id: str) -> tuple[Framework, Criterion]:
    """The framework and criterion, or RerunError naming what is wrong (with a hint)."""
    framework = find_framework(framework_id)
    ids = [c.id for c in framework.criteria]
    if criterion_id not in ids:
        close = difflib.get_close_matches(criterion_id, ids, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise RerunError(f"framework {framework.id} has no criterion {criterion_id!r}{hint}")
    return framework, framework.criterion(criterion_id)


def _leaves(framework: Framework, criterion: Criterion) -> Iterable[Criterion]:
    if not criterion.children:
        yield criterion
        return
    for child in criterion.children:
        yield from _leaves(framework, framework.criterion(child))


def _substitution_keys(framework: Framework, criterion: Criterion) -> list[str]:
    rules = framework.sections.substitution_rules
    return [rules[r].measure for r in criterion.substitutions]


def plan_rerun(framework_id: str, criterion_id: str) -> RerunPlan:
    """The measures a criterion reads and the source endpoints that feed them."""
    framework, criterion = find_criterion(framework_id, criterion_id)
    keys: list[str] = []
    for leaf in _leaves(framework, criterion):
        keys.extend(leaf.measures.values())
        keys.extend(_substitution_keys(framework, leaf))
    measures = tuple(dict.fromkeys(keys))
    endpoints: list[tuple[str, str]] = []
    declared: list[str] = []
    for key in measures:
        found = transforms_for(key)
        if not found:
            declared.append(key)
        for t in found:
            endpoints.append(RELATION_RECORDS[t.relation])
            endpoints.extend(_ALSO.get(t.relation, ()))
    return RerunPlan(
        framework.id, criterion.id, measures, tuple(declared), tuple(dict.fromkeys(endpoints))
    )
