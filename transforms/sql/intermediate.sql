-- Fact views over staging: one row per source record, with the attributes every
-- measure filters on. Measures (transforms/measures.yaml) are WHERE clauses over these,
-- so the records behind any measure can be listed with the same clause.
CREATE SCHEMA IF NOT EXISTS intermediate;

-- unit_level is the level of the unit that handled the dossier; on_time: the result was
-- returned by the due date.
CREATE OR REPLACE VIEW intermediate.dossier_fact AS
SELECT d.dossier_id, d.procedure_code, d.unit_code, d.channel, d.status,
       d.received_at, d.due_at, d.resolved_at, d.updated_at,
       d.digitised, d.e_result_issued, d.paid_online, d.via_onestop,
       p.procedure_level, p.service_level, p.has_fin_obligation,
       p.online_payment_enabled, p.agency_code,
       u.unit_level,
       (d.status = 'resolved' AND d.resolved_at <= d.due_at) AS on_time,
       d._load_id, d.status_published, p.interlink
FROM staging.dossier AS d
LEFT JOIN staging.procedure AS p USING (procedure_code)
LEFT JOIN staging.unit AS u ON u.unit_code = d.unit_code;

CREATE OR REPLACE VIEW intermediate.procedure_fact AS
SELECT procedure_code, procedure_level, agency_code, service_level,
       fullonline_eligible, has_fin_obligation, online_payment_enabled,
       integrated_national, has_helpdesk, mobile_signature_enabled, updated_at, _load_id,
       interlink
FROM staging.procedure;

-- The procedure catalogue as each unit applies it: a provincial procedure at the
-- department in charge of it (agency_code), a district procedure at every district, a
-- commune procedure at every commune (the province publishes one set per level).
CREATE OR REPLACE VIEW intermediate.procedure_unit_fact AS
WITH applied AS (
    SELECT p.procedure_code, u.unit_code FROM staging.procedure AS p
    JOIN staging.unit AS u ON u.unit_code = p.agency_code
    WHERE p.procedure_level = 'province'
    UNION ALL
    SELECT p.procedure_code, u.unit_code FROM staging.procedure AS p
    JOIN staging.unit AS u ON u.unit_level = p.procedure_level
    WHERE p.procedure_level IN ('district', 'commune')
)
SELECT a.procedure_code, a.unit_code, u.unit_level,
       u.valid_from AS unit_valid_from, u.valid_to AS unit_valid_to,
       p.procedure_level, p.agency_code, p.service_level, p.fullonline_eligible,
       p.has_fin_obligation, p.online_payment_enabled, p.integrated_national,
       p.has_helpdesk, p.mobile_signature_enabled, p._load_id, p.interlink
FROM applied AS a
JOIN staging.procedure AS p USING (procedure_code)
JOIN staging.unit AS u ON u.unit_code = a.unit_code;

CREATE OR REPLACE VIEW intermediate.payment_fact AS
SELECT pay.payment_id, pay.dossier_id, pay.amount, pay.paid_at, pay.payment_channel,
       d.procedure_code, p.service_level, p.has_fin_obligation, p.online_payment_enabled,
       pay._load_id
FROM staging.payment AS pay
LEFT JOIN staging.dossier AS d USING (dossier_id)
LEFT JOIN staging.procedure AS p ON p.procedure_code = d.procedure_code;

-- Documents and work files processed by a unit (PAR 7.2.1, NQ17 #16-18, DTI 6.12).
CREATE OR REPLACE VIEW intermediate.document_workfile_fact AS
SELECT r.record_kind, r.record_id, r.unit_code, u.unit_level, r.happened_at,
       r.is_secret, r.processed_online, r._load_id
FROM (
    SELECT 'incoming_document' AS record_kind, document_id AS record_id, unit_code,
           received_at AS happened_at, is_secret, processed_online, _load_id
    FROM staging.incoming_document
    UNION ALL
    SELECT 'work_file' AS record_kind, work_file_id AS record_id, unit_code,
           opened_at AS happened_at, is_secret, processed_online, _load_id
    FROM staging.work_file
) AS r
LEFT JOIN staging.unit AS u ON u.unit_code = r.unit_code;

-- Documents a unit issued (NQ17 #15, ITA-2018 document and signature criteria).
CREATE OR REPLACE VIEW intermediate.outgoing_document_fact AS
SELECT o.document_id, o.unit_code, u.unit_level, o.issued_at, o.is_secret, o.form,
       o.digitally_signed, o.via_vdxp, o._load_id
FROM staging.outgoing_document AS o
LEFT JOIN staging.unit AS u ON u.unit_code = o.unit_code;

CREATE OR REPLACE VIEW intermediate.unit_fact AS
SELECT u.unit_code, u.unit_name, u.unit_level, u.parent_code, u.valid_from, u.valid_to,
       coalesce(c.connected_4level, false) AS connected_4level,
       coalesce(c.connected_vdxp, false) AS connected_vdxp,
       c.connected_since,
       u._load_id
FROM staging.unit AS u
LEFT JOIN staging.connected_unit AS c USING (unit_code);

CREATE OR REPLACE VIEW intermediate.report_submission_fact AS
SELECT s.submission_id, s.regime_code, s.unit_code, u.unit_level, s.report_period, s.due_at,
       s.submitted_at, s.via_lris, s.complete, s.sent_to_gov,
       r.gov_connection_required, r.period_type,
       (s.complete AND s.sent_to_gov AND s.submitted_at IS NOT NULL
        AND s.submitted_at <= s.due_at) AS on_time,
       s._load_id
FROM staging.report_submission AS s
JOIN staging.report_regime AS r USING (regime_code)
LEFT JOIN staging.unit AS u ON u.unit_code = s.unit_code;

CREATE OR REPLACE VIEW intermediate.report_regime_fact AS
SELECT regime_code, regime_name, period_type, gov_connection_required, _load_id
FROM staging.report_regime;

CREATE OR REPLACE VIEW intermediate.data_service_fact AS
SELECT service_code, service_name, provider, status, status_since, _load_id
FROM staging.data_service;

CREATE OR REPLACE VIEW intermediate.shared_data_app_fact AS
SELECT app_code, app_name, holds_shared_data, needs_lgsp, connected_lgsp,
       connected_since, _load_id
FROM staging.shared_data_app;

-- Each unit with itself and every unit above it (a commune: itself, its district, the
-- province). Per-unit measures that roll up (`roll_up: true` in the measure files) count
-- a record for each of these ancestors whose level they report.
CREATE OR REPLACE VIEW intermediate.unit_ancestor AS
WITH RECURSIVE chain (unit_code, ancestor_code, depth) AS (
    SELECT unit_code, unit_code, 0 FROM staging.unit
    UNION ALL
    SELECT chain.unit_code, above.parent_code, chain.depth + 1
    FROM chain
    JOIN staging.unit AS above ON above.unit_code = chain.ancestor_code
    WHERE above.parent_code IS NOT NULL AND chain.depth < 8
)
SELECT chain.unit_code, chain.ancestor_code, ancestor.unit_level AS ancestor_level,
       chain.depth
FROM chain
JOIN staging.unit AS ancestor ON ancestor.unit_code = chain.ancestor_code;

-- Each procedure's dossiers per calendar year (ITA-2018 Bảng 2/3, per online service:
-- online dossiers resolved in the year over every dossier received in the year,
-- province-wide). unit_code is the department in charge of the procedure; year_start
-- is 1 January of the year; _load_id the latest load behind the row.
CREATE OR REPLACE VIEW intermediate.procedure_year_fact AS
WITH events AS (
    SELECT procedure_code, date_trunc('year', resolved_at) AS year_start,
           1 AS online_resolved, 0 AS received, _load_id
    FROM staging.dossier
    WHERE status = 'resolved' AND channel = 'online'
    UNION ALL
    SELECT procedure_code, date_trunc('year', received_at) AS year_start,
           0 AS online_resolved, 1 AS received, _load_id
    FROM staging.dossier
),
per_year AS (
    SELECT procedure_code, CAST(year_start AS TIMESTAMP) AS year_start,
           sum(online_resolved) AS online_resolved, sum(received) AS received,
           max(_load_id) AS _load_id
    FROM events
    GROUP BY procedure_code, year_start
)
SELECT y.procedure_code, p.agency_code AS unit_code, p.procedure_level, p.service_level,
       y.year_start, y.online_resolved, y.received,
       CASE WHEN y.received > 0 THEN y.online_resolved / y.received ELSE 0 END
           AS online_rate,
       y._load_id
FROM per_year AS y
JOIN staging.procedure AS p USING (procedure_code);

-- ---------------------------------------------------------------- ITA-2018 sources
-- Each unit's procedures as its one-stop software and portal page hold them;
-- unit_procedures is how many the unit applies (for averages of per-unit shares).
CREATE OR REPLACE VIEW intermediate.unit_procedure_fact AS
SELECT c.config_id, c.unit_code, u.unit_level,
       u.valid_from AS unit_valid_from, u.valid_to AS unit_valid_to,
       c.procedure_code, p.procedure_level, p.service_level, p.interlink,
       c.one_stop_since, c.published_online,
       count(*) OVER (PARTITION BY c.unit_code) AS unit_procedures,
       c._load_id
FROM staging.unit_procedure AS c
JOIN staging.procedure AS p USING (procedure_code)
JOIN staging.unit AS u ON u.unit_code = c.unit_code;

CREATE OR REPLACE VIEW intermediate.one_stop_unit_fact AS
SELECT o.unit_code, u.unit_level, o.deployment_mode, o.deployed_since,
       o.rating_enabled, o.rating_since, o._load_id
FROM staging.one_stop_unit AS o
LEFT JOIN staging.unit AS u USING (unit_code);

CREATE OR REPLACE VIEW intermediate.feedback_fact AS
SELECT f.feedback_id, f.unit_code, u.unit_level, f.received_at, f.answered_at,
       (f.answered_at IS NOT NULL) AS answered, f._load_id
FROM staging.feedback AS f
LEFT JOIN staging.unit AS u USING (unit_code);

-- Hand-offs of interlinked dossiers: unit_code is the unit that sent it up, with the
-- interlink kind and service level of the dossier's procedure.
CREATE OR REPLACE VIEW intermediate.interlink_transfer_fact AS
SELECT t.transfer_id, t.dossier_id, t.from_unit_code AS unit_code, f.unit_level,
       t.to_unit_code, r.unit_level AS to_unit_level, t.sent_at, t.sent_online,
       p.interlink, p.service_level, t._load_id
FROM staging.interlink_transfer AS t
LEFT JOIN staging.dossier AS d USING (dossier_id)
LEFT JOIN staging.procedure AS p ON p.procedure_code = d.procedure_code
LEFT JOIN staging.unit AS f ON f.unit_code = t.from_unit_code
LEFT JOIN staging.unit AS r ON r.unit_code = t.to_unit_code;

-- Documents in iOffice with the leaders' handling and the signatures: to_leader is
-- presented (incoming) or submitted for approval (outgoing) to a leader in the system,
-- leader_handled directed (incoming) or approved (outgoing) there; the sender's level
-- and parent are known for incoming documents from the province's own units.
CREATE OR REPLACE VIEW intermediate.edms_document_fact AS
SELECT d.record_kind, d.document_id, d.unit_code, u.unit_level, d.happened_at, d.is_secret,
       d.form, d.to_leader, d.leader_handled, d.digitally_signed, d.agency_signed,
       d.leader_signed, d.signer_code, d.sender_code, s.unit_level AS sender_level,
       s.parent_code AS sender_parent_code, d._load_id
FROM (
    SELECT 'incoming_document' AS record_kind, document_id, unit_code,
           received_at AS happened_at, is_secret, form, presented_to_leader AS to_leader,
           leader_directed AS leader_handled, digitally_signed,
           CAST(NULL AS BOOLEAN) AS agency_signed, CAST(NULL AS BOOLEAN) AS leader_signed,
           CAST(NULL AS VARCHAR) AS signer_code, sender_code, _load_id
    FROM staging.incoming_document
    UNION ALL
    SELECT 'outgoing_document' AS record_kind, document_id, unit_code,
           issued_at AS happened_at, is_secret, form, submitted_to_leader AS to_leader,
           leader_approved AS leader_handled, digitally_signed, agency_signed, leader_signed,
           signer_code, CAST(NULL AS VARCHAR) AS sender_code, _load_id
    FROM staging.outgoing_document
) AS d
LEFT JOIN staging.unit AS u ON u.unit_code = d.unit_code
LEFT JOIN staging.unit AS s ON s.unit_code = d.sender_code;

-- iOffice's units below the province's: unit_code is the department or district they
-- belong to, member_code the unit itself.
CREATE OR REPLACE VIEW intermediate.edms_unit_fact AS
SELECT e.unit_code AS member_code, e.unit_name, e.parent_code AS unit_code,
       p.unit_level, e.unit_kind, e.using_since, e._load_id
FROM staging.edms_unit AS e
LEFT JOIN staging.unit AS p ON p.unit_code = e.parent_code;

-- iOffice's monthly usage: unit_code is the province's unit the figures count for (the
-- unit itself, or the department / district above an affiliated or public service
-- unit), member_code the unit reported, member_kind own or the kind of that unit.
CREATE OR REPLACE VIEW intermediate.edms_usage_fact AS
SELECT g.usage_id, coalesce(e.parent_code, g.unit_code) AS unit_code, u.unit_level,
       g.unit_code AS member_code, coalesce(e.unit_kind, 'own') AS member_kind,
       CAST(strptime(g.month || '-01', '%Y-%m-%d') AS TIMESTAMP) AS month_start,
       g.incoming_docs, g.outgoing_docs, g.civil_servant_accounts, g.civil_servants_regular,
       g.public_employee_accounts, g.public_employees_regular, g.part_time_accounts,
       g.part_time_regular, g._load_id
FROM staging.edms_usage AS g
LEFT JOIN staging.edms_unit AS e ON e.unit_code = g.unit_code
LEFT JOIN staging.unit AS u ON u.unit_code = coalesce(e.parent_code, g.unit_code);

-- LRIS yearly statistics; period_start is 1 January of the reported year.
CREATE OR REPLACE VIEW intermediate.statistic_fact AS
SELECT s.statistic_id, s.indicator_code, s.unit_code, u.unit_level, s.report_period,
       CAST(strptime(s.report_period || '-01-01', '%Y-%m-%d') AS TIMESTAMP) AS period_start,
       s.value, s._load_id
FROM staging.statistic AS s
LEFT JOIN staging.unit AS u USING (unit_code);

-- IT-application reports filed in LRIS; period_start is the first day of the reported
-- period (year, quarter or month); complete: number, date and link are all given.
CREATE OR REPLACE VIEW intermediate.it_report_fact AS
SELECT r.report_id, r.unit_code, u.unit_level, r.report_kind, r.report_period,
       CASE
           WHEN r.report_period LIKE '____-Q_' THEN make_timestamp(
               CAST(left(r.report_period, 4) AS BIGINT),
               3 * CAST(right(r.report_period, 1) AS BIGINT) - 2, 1, 0, 0, 0)
           WHEN length(r.report_period) = 7
               THEN CAST(strptime(r.report_period || '-01', '%Y-%m-%d') AS TIMESTAMP)
           ELSE CAST(strptime(r.report_period || '-01-01', '%Y-%m-%d') AS TIMESTAMP)
       END AS period_start,
       (r.document_no IS NOT NULL AND r.issued_on IS NOT NULL AND r.link IS NOT NULL)
           AS complete,
       r.submitted_at, r._load_id
FROM staging.it_report AS r
LEFT JOIN staging.unit AS u USING (unit_code);

CREATE OR REPLACE VIEW intermediate.platform_link_fact AS
SELECT l.link_id, l.unit_code, u.unit_level, l.system, l.since, l.until, l._load_id
FROM staging.platform_link AS l
LEFT JOIN staging.unit AS u USING (unit_code);

CREATE OR REPLACE VIEW intermediate.population_snapshot_fact AS
SELECT s.snapshot_id, s.unit_code, u.unit_level, s.snapshot_on, s.residents_digitised,
       s._load_id
FROM staging.population_snapshot AS s
LEFT JOIN staging.unit AS u USING (unit_code);
