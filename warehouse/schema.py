"""The warehouse schema as numbered, recorded migrations.

Each migration is a fixed list of SQL statements applied once, in its own transaction,
and recorded in ``meta.schema_version``; `migrate` applies only the steps a database has
not seen. A step is never edited once released: a change is a new step. The entity
columns below are therefore the v1 columns written out, not read from the contracts at
run time (a test checks that the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

# Our columns of every entity as migration 2 created them (name, DuckDB type).
_ENTITY_COLUMNS_V1: dict[str, tuple[tuple[str, str], ...]] = {
    "unit": (
        ("unit_code", "VARCHAR"),
        ("unit_name", "VARCHAR"),
        ("unit_level", "VARCHAR"),
        ("parent_code", "VARCHAR"),
        ("valid_from", "TIMESTAMP"),
        ("valid_to", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "procedure": (
        ("procedure_code", "VARCHAR"),
        ("procedure_name", "VARCHAR"),
        ("procedure_level", "VARCHAR"),
        ("agency_code", "VARCHAR"),
        ("service_level", "VARCHAR"),
        ("fullonline_eligible", "BOOLEAN"),
        ("has_fin_obligation", "BOOLEAN"),
        ("online_payment_enabled", "BOOLEAN"),
        ("integrated_national", "BOOLEAN"),
        ("has_helpdesk", "BOOLEAN"),
        ("mobile_signature_enabled", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "dossier": (
        ("dossier_id", "VARCHAR"),
        ("procedure_code", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("due_at", "TIMESTAMP"),
        ("resolved_at", "TIMESTAMP"),
        ("status", "VARCHAR"),
        ("digitised", "BOOLEAN"),
        ("e_result_issued", "BOOLEAN"),
        ("paid_online", "BOOLEAN"),
        ("via_onestop", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "payment": (
        ("payment_id", "VARCHAR"),
        ("dossier_id", "VARCHAR"),
        ("amount", "DECIMAL(18,2)"),
        ("paid_at", "TIMESTAMP"),
        ("payment_channel", "VARCHAR"),
        ("updated_at", "TIMESTAMP"),
    ),
    "incoming_document": (
        ("document_id", "VARCHAR"),
        ("reference_no", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("unit_code", "VARCHAR"),
        ("sender_code", "VARCHAR"),
        ("is_secret", "BOOLEAN"),
        ("form", "VARCHAR"),
        ("processed_online", "BOOLEAN"),
        ("via_vdxp", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "outgoing_document": (
        ("document_id", "VARCHAR"),
        ("reference_no", "VARCHAR"),
        ("issued_at", "TIMESTAMP"),
        ("unit_code", "VARCHAR"),
        ("is_secret", "BOOLEAN"),
        ("form", "VARCHAR"),
        ("digitally_signed", "BOOLEAN"),
        ("via_vdxp", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "work_file": (
        ("work_file_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("opened_at", "TIMESTAMP"),
        ("is_secret", "BOOLEAN"),
        ("processed_online", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "connected_unit": (
        ("unit_code", "VARCHAR"),
        ("connected_4level", "BOOLEAN"),
        ("connected_vdxp", "BOOLEAN"),
        ("connected_since", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "report_regime": (
        ("regime_code", "VARCHAR"),
        ("regime_name", "VARCHAR"),
        ("period_type", "VARCHAR"),
        ("gov_connection_required", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "report_submission": (
        ("submission_id", "VARCHAR"),
        ("regime_code", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("report_period", "VARCHAR"),
        ("due_at", "TIMESTAMP"),
        ("submitted_at", "TIMESTAMP"),
        ("via_lris", "BOOLEAN"),
        ("complete", "BOOLEAN"),
        ("sent_to_gov", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "data_service": (
        ("service_code", "VARCHAR"),
        ("service_name", "VARCHAR"),
        ("provider", "VARCHAR"),
        ("status", "VARCHAR"),
        ("status_since", "TIMESTAMP"),
    ),
    "shared_data_app": (
        ("app_code", "VARCHAR"),
        ("app_name", "VARCHAR"),
        ("holds_shared_data", "BOOLEAN"),
        ("needs_lgsp", "BOOLEAN"),
        ("connected_lgsp", "BOOLEAN"),
        ("connected_since", "TIMESTAMP"),
    ),
}

_NATURAL_KEYS_V1: dict[str, str] = {
    "unit": "unit_code",
    "procedure": "procedure_code",
    "dossier": "dossier_id",
    "payment": "payment_id",
    "incoming_document": "document_id",
    "outgoing_document": "document_id",
    "work_file": "work_file_id",
    "connected_unit": "unit_code",
    "report_regime": "regime_code",
    "report_submission": "submission_id",
    "data_service": "service_code",
    "shared_data_app": "app_code",
}

# Migration 7 (the sources of ITA-2018's system inputs): columns appended to entities
# of migration 2 (after the raw and staging meta columns), and new entities.
_ENTITY_COLUMNS_V7_ADDED: dict[str, tuple[tuple[str, str], ...]] = {
    "procedure": (("interlink", "VARCHAR"),),
    "dossier": (("status_published", "BOOLEAN"),),
    "incoming_document": (
        ("presented_to_leader", "BOOLEAN"),
        ("leader_directed", "BOOLEAN"),
        ("digitally_signed", "BOOLEAN"),
    ),
    "outgoing_document": (
        ("submitted_to_leader", "BOOLEAN"),
        ("leader_approved", "BOOLEAN"),
        ("agency_signed", "BOOLEAN"),
        ("leader_signed", "BOOLEAN"),
        ("signer_code", "VARCHAR"),
    ),
}
_ENTITY_COLUMNS_V7_NEW: dict[str, tuple[tuple[str, str], ...]] = {
    "unit_procedure": (
        ("config_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("procedure_code", "VARCHAR"),
        ("one_stop_since", "TIMESTAMP"),
        ("published_online", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "one_stop_unit": (
        ("unit_code", "VARCHAR"),
        ("deployment_mode", "VARCHAR"),
        ("deployed_since", "TIMESTAMP"),
        ("rating_enabled", "BOOLEAN"),
        ("rating_since", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "feedback": (
        ("feedback_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("answered_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "interlink_transfer": (
        ("transfer_id", "VARCHAR"),
        ("dossier_id", "VARCHAR"),
        ("from_unit_code", "VARCHAR"),
        ("to_unit_code", "VARCHAR"),
        ("sent_at", "TIMESTAMP"),
        ("sent_online", "BOOLEAN"),
        ("updated_at", "TIMESTAMP"),
    ),
    "edms_unit": (
        ("unit_code", "VARCHAR"),
        ("unit_name", "VARCHAR"),
        ("parent_code", "VARCHAR"),
        ("unit_kind", "VARCHAR"),
        ("using_since", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "edms_usage": (
        ("usage_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("month", "VARCHAR"),
        ("incoming_docs", "DECIMAL(18,2)"),
        ("outgoing_docs", "DECIMAL(18,2)"),
        ("civil_servant_accounts", "DECIMAL(18,2)"),
        ("civil_servants_regular", "DECIMAL(18,2)"),
        ("public_employee_accounts", "DECIMAL(18,2)"),
        ("public_employees_regular", "DECIMAL(18,2)"),
        ("part_time_accounts", "DECIMAL(18,2)"),
        ("part_time_regular", "DECIMAL(18,2)"),
        ("updated_at", "TIMESTAMP"),
    ),
    "statistic": (
        ("statistic_id", "VARCHAR"),
        ("indicator_code", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("report_period", "VARCHAR"),
        ("value", "DECIMAL(18,2)"),
        ("updated_at", "TIMESTAMP"),
    ),
    "it_report": (
        ("report_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("report_kind", "VARCHAR"),
        ("report_period", "VARCHAR"),
        ("document_no", "VARCHAR"),
        ("issued_on", "TIMESTAMP"),
        ("link", "VARCHAR"),
        ("submitted_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "platform_link": (
        ("link_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("system", "VARCHAR"),
        ("since", "TIMESTAMP"),
        ("until", "TIMESTAMP"),
    ),
    "population_snapshot": (
        ("snapshot_id", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("snapshot_on", "TIMESTAMP"),
        ("residents_digitised", "DECIMAL(18,2)"),
    ),
}
_NATURAL_KEYS_V7: dict[str, str] = {
    "unit_procedure": "config_id",
    "one_stop_unit": "unit_code",
    "feedback": "feedback_id",
    "interlink_transfer": "transfer_id",
    "edms_unit": "unit_code",
    "edms_usage": "usage_id",
    "statistic": "statistic_id",
    "it_report": "report_id",
    "platform_link": "link_id",
    "population_snapshot": "snapshot_id",
}
_CREATED_WITH = {**_ENTITY_COLUMNS_V1, **_ENTITY_COLUMNS_V7_NEW}
_NATURAL_KEYS = {**_NATURAL_KEYS_V1, **_NATURAL_KEYS_V7}

ENTITIES: tuple[str, ...] = tuple(_CREATED_WITH)
"""Every entity with a raw and a staging table."""

RAW_META_COLUMNS = ("_record", "_load_id", "_fetched_at", "_request", "_row_number")
STAGING_META_COLUMNS = ("_load_id", "_loaded_at")


def _columns_sql(entity: str) -> str:
    return ",\n  ".join(f"{name} {sql_type}" for name, sql_type in _CREATED_WITH[entity])


def _raw_table(entity: str) -> str:
    return (
        f"CREATE TABLE raw.{entity} (\n  {_columns_sql(entity)},\n"
        "  _record VARCHAR,\n  _load_id BIGINT NOT NULL,\n  _fetched_at TIMESTAMP,\n"
        "  _request VARCHAR,\n  _row_number BIGINT NOT NULL\n)"
    )


def _staging_table(entity: str) -> str:
    return (
        f"CREATE TABLE staging.{entity} (\n  {_columns_sql(entity)},\n"
        "  _load_id BIGINT NOT NULL,\n  _loaded_at TIMESTAMP NOT NULL,\n"
        f"  PRIMARY KEY ({_NATURAL_KEYS[entity]})\n)"
    )


_META_V1 = (
    "CREATE SCHEMA IF NOT EXISTS raw",
    "CREATE SCHEMA IF NOT EXISTS staging",
    "CREATE SCHEMA IF NOT EXISTS marts",
    "CREATE SEQUENCE meta.load_id_seq START 1",
    """CREATE TABLE meta.run (
  run_id VARCHAR PRIMARY KEY,
  flow VARCHAR NOT NULL,
  params JSON,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  message VARCHAR
)""",
    """CREATE TABLE meta.load (
  load_id BIGINT PRIMARY KEY,
  run_id VARCHAR,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL,
  period VARCHAR,
  since TIMESTAMP,
  status VARCHAR NOT NULL CHECK (status IN ('completed', 'rejected', 'failed')),
  rows_fetched BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  pages INTEGER NOT NULL,
  requests JSON,
  high_water TIMESTAMP,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  message VARCHAR
)""",
    """CREATE TABLE meta.quarantine (
  load_id BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  row_number BIGINT NOT NULL,
  natural_key VARCHAR,
  reason VARCHAR NOT NULL,
  record JSON,
  request VARCHAR,
  quarantined_at TIMESTAMP NOT NULL
)""",
    """CREATE TABLE meta.watermark (
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  high_water TIMESTAMP NOT NULL,
  load_id BIGINT,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (source, entity)
)""",
)

_MARTS_V1 = (
    """CREATE TABLE marts.org_unit (
  unit_code VARCHAR NOT NULL,
  unit_name VARCHAR NOT NULL,
  unit_level VARCHAR NOT NULL
    CHECK (unit_level IN ('province', 'department', 'district', 'district_office', 'commune')),
  parent_code VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE,
  PRIMARY KEY (unit_code, valid_from)
)""",
    """CREATE TABLE marts.period (
  period VARCHAR PRIMARY KEY,
  period_type VARCHAR NOT NULL CHECK (period_type IN ('year', 'quarter', 'month')),
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL
)""",
    """CREATE TABLE marts.measure (
  unit_code VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  measure_key VARCHAR NOT NULL,
  measure_name VARCHAR,
  value_num DECIMAL(38,6),
  value_text VARCHAR,
  value_type VARCHAR NOT NULL,
  origin VARCHAR NOT NULL CHECK (origin IN ('collected', 'declared', 'override')),
  transform VARCHAR,
  load_ids BIGINT[],
  record_count BIGINT,
  evidence JSON,
  declared_by VARCHAR,
  computed_at TIMESTAMP NOT NULL,
  run_id VARCHAR,
  PRIMARY KEY (unit_code, period, measure_key, origin)
)""",
    """CREATE TABLE marts.score (
  framework VARCHAR NOT NULL,
  framework_version VARCHAR,
  unit_code VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  criterion VARCHAR NOT NULL,
  parent VARCHAR,
  name_vi VARCHAR,
  name_en VARCHAR,
  method VARCHAR,
  max_points DECIMAL(12,4),
  points DECIMAL(12,4),
  status VARCHAR NOT NULL,
  rate DECIMAL(20,8),
  numerator DECIMAL(38,6),
  denominator DECIMAL(38,6),
  inputs JSON,
  detail VARCHAR,
  max_points_with_survey DECIMAL(12,4),
  met BOOLEAN,
  run_id VARCHAR,
  computed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (framework, unit_code, period, criterion)
)""",
    """CREATE TABLE marts.ranking (
  framework VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  unit_code VARCHAR NOT NULL,
  ranking_group VARCHAR,
  total_points DECIMAL(12,4),
  max_points DECIMAL(12,4),
  rank INTEGER,
  band VARCHAR,
  run_id VARCHAR,
  computed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (framework, period, unit_code)
)""",
    "CREATE SEQUENCE marts.score_revision_id_seq START 1",
    """CREATE TABLE marts.score_revision (
  revision_id BIGINT PRIMARY KEY DEFAULT nextval('marts.score_revision_id_seq'),
  framework VARCHAR NOT NULL,
  unit_code VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  criterion VARCHAR NOT NULL,
  points_before DECIMAL(12,4),
  points_after DECIMAL(12,4),
  status_before VARCHAR,
  status_after VARCHAR,
  reason VARCHAR NOT NULL,
  operator VARCHAR NOT NULL,
  run_id VARCHAR,
  revised_at TIMESTAMP NOT NULL
)""",
)

_COMMENTS_V1: dict[str, dict[str, str]] = {
    "marts.org_unit": {
        "": "Org units of the province, effective-dated (province → departments, "
        "districts → district offices, communes).",
        "unit_code": "Unit code (province 89, department 000.NN.00.H01, district 883…).",
        "unit_name": "Official name (Vietnamese).",
        "unit_level": "province | department | district | district_office | commune.",
        "parent_code": "Code of the unit above; null for the province.",
        "valid_from": "First day the unit exists in this form.",
        "valid_to": "Day the unit ceased (e.g. merged); null while current.",
    },
    "marts.period": {
        "": "Reporting periods: years, quarters, months.",
        "period": "Label: 2024, 2024-Q1 or 2024-01.",
        "period_type": "year | quarter | month.",
        "starts_on": "First day of the period.",
        "ends_on": "Last day of the period (inclusive).",
    },
    "marts.measure": {
        "": "One value per unit, period and measure, with its provenance. Rates are "
        "stored as their numerator and denominator measures.",
        "unit_code": "Org unit the value is for (see marts.org_unit).",
        "period": "Reporting period (see marts.period).",
        "measure_key": "Measure key from the spec, e.g. dossiers_resolved_fullonline.",
        "measure_name": "Measure name without parameters.",
        "value_num": "Numeric value (counts, amounts, numbers); null for yes/no or words.",
        "value_text": "Text value (yes/no as true/false, enum words).",
        "value_type": "What the value is: count, amount, number, boolean, enum, …",
        "origin": "collected (SQL over source records) | declared (file with evidence) "
        "| override (operator revision).",
        "transform": "The transform or declaration that produced the value.",
        "load_ids": "Loads (meta.load) whose records are behind the value.",
        "record_count": "Number of source records behind the value.",
        "evidence": "Declared values: document number, date, link.",
        "declared_by": "Declared values: who declared it.",
        "computed_at": "When the value was computed (UTC).",
        "run_id": "Flow run that computed it (meta.run).",
    },
    "marts.score": {
        "": "Points per framework, unit, period and criterion, with the arithmetic.",
        "framework": "Framework id, e.g. par7-2024.",
        "framework_version": "Version of the framework file used.",
        "unit_code": "Org unit scored.",
        "period": "Reporting period.",
        "criterion": "Criterion id as officially numbered, e.g. 7.3.6.",
        "parent": "Parent criterion id; null at the top.",
        "name_vi": "Criterion name (Vietnamese).",
        "name_en": "Criterion name (English).",
        "method": "Scoring method (ratio, steps, boolean, sum, …).",
        "max_points": "Maximum points.",
        "points": "Points given; null when not scored (see status).",
        "status": "scored | missing_input | incomplete | not_applicable | survey.",
        "rate": "numerator / denominator, when the method is a rate.",
        "numerator": "Numerator measure value.",
        "denominator": "Denominator measure value.",
        "inputs": "Every measure value the criterion read (JSON).",
        "detail": "How the points were reached, in words.",
        "max_points_with_survey": "Maximum including survey-scored children.",
        "met": "target_met criteria: whether the target was met.",
        "computed_at": "When the score was computed (UTC).",
        "run_id": "Flow run that computed it.",
    },
    "marts.ranking": {
        "": "Total points and rank of each unit within its group, per framework and period.",
        "ranking_group": "Units ranked together (e.g. department, district).",
        "total_points": "Sum of the unit's points.",
        "max_points": "Maximum attainable.",
        "rank": "1 = best within the group.",
        "band": "Classification band (e.g. excellent, good).",
    },
    "marts.score_revision": {
        "": "Every change of a published score: before, after, reason, who, when.",
        "points_before": "Points before the revision.",
        "points_after": "Points after the revision.",
        "status_before": "Status before the revision.",
        "status_after": "Status after the revision.",
        "reason": "Why the score changed.",
        "operator": "Who made the change.",
        "revised_at": "When (UTC).",
    },
}


def _comment_statements(comments: dict[str, dict[str, str]]) -> tuple[str, ...]:
    statements = []
    for table, texts in comments.items():
        for column, text in texts.items():
            quoted = text.replace("'", "''")
            target = f"TABLE {table}" if column == "" else f"COLUMN {table}.{column}"
            statements.append(f"COMMENT ON {target} IS '{quoted}'")
    return tuple(statements)


_MARTS_V5 = (
    "ALTER TABLE marts.score ADD COLUMN target DECIMAL(20,8)",
    "ALTER TABLE marts.score ADD COLUMN substitution VARCHAR",
    "ALTER TABLE marts.ranking ADD COLUMN criterion VARCHAR",
    "ALTER TABLE marts.ranking ADD COLUMN status VARCHAR",
    "ALTER TABLE marts.ranking ADD COLUMN level VARCHAR",
    "ALTER TABLE marts.ranking ADD COLUMN bands JSON",
    "ALTER TABLE marts.ranking ADD COLUMN rollups JSON",
    """CREATE VIEW marts.unit_standing AS
SELECT r.framework, r.period, r.unit_code, u.unit_name, r.ranking_group,
       r.total_points, r.max_points, r.status, r.rank,
       coalesce(r.level, r.band) AS band, r.bands AS category_bands, r.rollups
FROM marts.ranking AS r
LEFT JOIN (
  SELECT unit_code, arg_max(unit_name, valid_from) AS unit_name
  FROM marts.org_unit GROUP BY unit_code
) AS u USING (unit_code)""",
    *_comment_statements(
        {
            "marts.score": {
                "target": "NQ17: the target rate the criterion is met at.",
                "substitution": "DTI Art. 7: the rule (and article) that replaced the points.",
            },
            "marts.ranking": {
                "criterion": "The criterion whose points rank the units (the root by default).",
                "status": "Status of that criterion: only `scored` units are ranked.",
                "level": "ITA-2018 e-government level (Mức I-IV) or not ranked.",
                "bands": "Band per category (ITA-2018 departments: Tốt/Khá/Trung bình).",
                "rollups": "Extra totals, e.g. the DTI district pillars.",
            },
        }
    ),
)


_MARTS_V6 = (
    "ALTER TABLE marts.score ADD COLUMN first_computed_at TIMESTAMP",
    "ALTER TABLE marts.score_revision ADD COLUMN cause VARCHAR",
    "CREATE SEQUENCE marts.measure_revision_id_seq START 1",
    """CREATE TABLE marts.measure_revision (
  revision_id BIGINT PRIMARY KEY DEFAULT nextval('marts.measure_revision_id_seq'),
  unit_code VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  measure_key VARCHAR NOT NULL,
  origin VARCHAR NOT NULL,
  value_before DECIMAL(38,6),
  value_after DECIMAL(38,6),
  text_before VARCHAR,
  text_after VARCHAR,
  cause VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  operator VARCHAR NOT NULL,
  run_id VARCHAR,
  revised_at TIMESTAMP NOT NULL
)""",
    "CREATE SEQUENCE marts.measure_override_id_seq START 1",
    """CREATE TABLE marts.measure_override (
  override_id BIGINT PRIMARY KEY DEFAULT nextval('marts.measure_override_id_seq'),
  unit_code VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  measure_key VARCHAR NOT NULL,
  value_text VARCHAR NOT NULL,
  evidence VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  operator VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  withdrawn_at TIMESTAMP,
  withdrawn_by VARCHAR,
  withdraw_reason VARCHAR
)""",
    """CREATE TABLE meta.backfill_step (
  backfill VARCHAR NOT NULL,
  step VARCHAR NOT NULL,
  run_id VARCHAR NOT NULL,
  completed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (backfill, step)
)""",
    *_comment_statements(
        {
            "meta.backfill_step": {
                "": "Steps of a backfill already done, so an interrupted one resumes; "
                "cleared when the backfill completes.",
            },
            "marts.score": {"first_computed_at": "When this score was first computed."},
            "marts.score_revision": {
                "cause": "nightly | build | rerun | override | backfill | framework_change.",
            },
            "marts.measure_revision": {
                "": "Every change of a measure value after it was first built: before, "
                "after, cause, reason, operator, when.",
            },
            "marts.measure_override": {
                "": "Values an operator set by hand, with evidence and reason; active "
                "until withdrawn, they beat collected and declared values.",
            },
        }
    ),
)


@dataclass(frozen=True)
class Migration:
    """One schema step: fixed SQL, applied once and recorded."""

    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "schemas, ledger, quarantine, watermarks, runs", _META_V1),
    Migration(
        2,
        "raw and staging tables of every entity",
        tuple(_raw_table(e) for e in _ENTITY_COLUMNS_V1)
        + tuple(_staging_table(e) for e in _ENTITY_COLUMNS_V1),
    ),
    Migration(3, "marts tables", _MARTS_V1),
    Migration(4, "marts column comments", _comment_statements(_COMMENTS_V1)),
    Migration(5, "targets, substitutions, levels and the unit standing view", _MARTS_V5),
    Migration(6, "measure revisions, operator overrides, first computed time", _MARTS_V6),
    Migration(
        7,
        "ITA-2018 sources: one-stop configuration, feedback, interlinked hand-offs, "
        "leaders' handling and signatures, iOffice usage, statistics, IT reports, "
        "platform links, population digitised",
        tuple(
            f"ALTER TABLE {layer}.{entity} ADD COLUMN {name} {sql_type}"
            for entity, added in _ENTITY_COLUMNS_V7_ADDED.items()
            for layer in ("raw", "staging")
            for name, sql_type in added
        )
        + tuple(_raw_table(e) for e in _ENTITY_COLUMNS_V7_NEW)
        + tuple(_staging_table(e) for e in _ENTITY_COLUMNS_V7_NEW),
    ),
)
"""Every schema step, in order. Append new steps; never edit a released one."""


def _ensure_version_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.schema_version ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The migration versions recorded in this database, ascending."""
    _ensure_version_table(con)
    rows = con.execute("SELECT version FROM meta.schema_version ORDER BY version").fetchall()
    return [int(version) for (version,) in rows]


def _check_order(migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"migration versions must be unique and ascending: {versions}")


def migrate(
    con: duckdb.DuckDBPyConnection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply the migrations this database has not recorded; return their versions.

    Each step runs in its own transaction with its ``meta.schema_version`` row, so a
    failing step leaves the previous steps applied and itself not at all.
    """
    _check_order(migrations)
    done = set(applied_versions(con))
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in migration.statements:
                con.execute(statement)
            con.execute(
                "INSERT INTO meta.schema_version VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC).replace(tzinfo=None)],
            )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        applied.append(migration.version)
    return applied


def entity_table_columns(entity: str) -> tuple[str, ...]:
    """Our columns of an entity's raw and staging tables, as the schema has them."""
    columns = (*_CREATED_WITH[entity], *_ENTITY_COLUMNS_V7_ADDED.get(entity, ()))
    return tuple(name for name, _ in columns)


def require_entity(entity: str) -> str:
    """`entity` if the warehouse has tables for it; ValueError otherwise.

    Entity names become table names in SQL text, so they must come from this list.
    """
    if entity not in _CREATED_WITH:
        raise ValueError(f"unknown entity {entity!r}: one of {', '.join(ENTITIES)}")
    return entity
