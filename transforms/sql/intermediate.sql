-- Fact views over staging: one row per source record, with the attributes every
-- measure filters on. Measures (transforms/measures.yaml) are WHERE clauses over these,
-- so the records behind any measure can be listed with the same clause.
CREATE SCHEMA IF NOT EXISTS intermediate;

CREATE OR REPLACE VIEW intermediate.dossier_fact AS
SELECT d.dossier_id, d.procedure_code, d.unit_code, d.channel, d.status,
       d.received_at, d.due_at, d.resolved_at, d.updated_at,
       d.digitised, d.e_result_issued, d.paid_online, d.via_onestop,
       p.procedure_level, p.service_level, p.has_fin_obligation,
       p.online_payment_enabled, p.agency_code,
       d._load_id
FROM staging.dossier AS d
LEFT JOIN staging.procedure AS p USING (procedure_code);

CREATE OR REPLACE VIEW intermediate.procedure_fact AS
SELECT procedure_code, procedure_level, agency_code, service_level,
       fullonline_eligible, has_fin_obligation, online_payment_enabled,
       integrated_national, has_helpdesk, mobile_signature_enabled, updated_at, _load_id
FROM staging.procedure;

CREATE OR REPLACE VIEW intermediate.payment_fact AS
SELECT pay.payment_id, pay.dossier_id, pay.amount, pay.paid_at, pay.payment_channel,
       d.procedure_code, p.service_level, p.has_fin_obligation, p.online_payment_enabled,
       pay._load_id
FROM staging.payment AS pay
LEFT JOIN staging.dossier AS d USING (dossier_id)
LEFT JOIN staging.procedure AS p ON p.procedure_code = d.procedure_code;

-- Documents and work files processed by a unit (PAR 7.2.1, NQ17 #16-18, DTI 6.12).
CREATE OR REPLACE VIEW intermediate.document_workfile_fact AS
SELECT 'incoming_document' AS record_kind, document_id AS record_id, unit_code,
       received_at AS happened_at, is_secret, processed_online, _load_id
FROM staging.incoming_document
UNION ALL
SELECT 'work_file' AS record_kind, work_file_id AS record_id, unit_code,
       opened_at AS happened_at, is_secret, processed_online, _load_id
FROM staging.work_file;

CREATE OR REPLACE VIEW intermediate.unit_fact AS
SELECT u.unit_code, u.unit_name, u.unit_level, u.parent_code, u.valid_from, u.valid_to,
       coalesce(c.connected_4level, false) AS connected_4level,
       coalesce(c.connected_vdxp, false) AS connected_vdxp,
       c.connected_since,
       u._load_id
FROM staging.unit AS u
LEFT JOIN staging.connected_unit AS c USING (unit_code);

CREATE OR REPLACE VIEW intermediate.report_submission_fact AS
SELECT s.submission_id, s.regime_code, s.unit_code, s.report_period, s.due_at,
       s.submitted_at, s.via_lris, s.complete, s.sent_to_gov,
       r.gov_connection_required, r.period_type,
       (s.complete AND s.sent_to_gov AND s.submitted_at IS NOT NULL
        AND s.submitted_at <= s.due_at) AS on_time,
       s._load_id
FROM staging.report_submission AS s
JOIN staging.report_regime AS r USING (regime_code);

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
