"""The fault matrix of ../shared/PRACTICES.md ("Faults the pipeline must survive"), row
by row: how our tests inject each fault and which tests check what must hold.

This is the one place the matrix is written. docs/RELIABILITY.md is generated from it
(``python -m tests.reliability.report``), and tests/reliability/test_matrix.py fails
when a PRACTICES row is missing here, a test named here does not exist, or the
document was not regenerated.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One test and what it asserts. `test` is a pytest node id (``path::function``;
    a parametrised test is named once and covers all its cases)."""

    test: str
    asserts: str


@dataclass(frozen=True)
class Gap:
    """Something that does not hold yet, tracked by a strict ``xfail`` test that turns
    into a failure when it is fixed; or a deliberate difference, with its reason."""

    what: str
    test: str | None = None


@dataclass(frozen=True)
class Fault:
    """One row: `fault` and `holds` verbatim from PRACTICES.md (`extra` rows come from
    the reliability issue instead), `inject` in our words."""

    fault: str
    inject: str
    holds: str
    checks: tuple[Check, ...]
    gaps: tuple[Gap, ...] = ()
    extra: bool = False


R = "tests/reliability"
C = "tests/connectors"
W = "tests/warehouse"

MATRIX: tuple[Fault, ...] = (
    Fault(
        "5xx burst, then OK",
        "`responses` registries that answer 500, 500 before 200; the simulator's "
        "`FaultPlan(statuses=[None, 500, 503, 502])` on the second page of a listing",
        "same data as a clean run",
        (
            Check(f"{C}/test_tthc.py::test_5xx_burst_then_ok_gives_the_same_data_as_a_clean_run",
                  "two 500s on page 1, then 200: the frame equals a clean pull's; two waits "
                  "of exponential backoff with jitter"),
            Check(f"{R}/test_source_faults.py::test_a_5xx_burst_mid_listing_gives_the_same_data_as_a_clean_run",
                  "500, 503, 502 on the second page of TTHC dossiers over HTTP: the load "
                  "completes and staging equals a clean run's, row for row"),
            Check("tests/simulator/test_faults.py::test_a_middle_page_fails",
                  "the knob fails exactly the page it names, then answers normally"),
        ),
    ),
    Fault(
        "persistent 5xx",
        "503 on every request: `responses`, and the simulator's `FaultPlan(always_status=503)` "
        "on one endpoint for a whole nightly run",
        "nothing written; previous good data kept; the error names source, endpoint, attempts",
        (
            Check(f"{C}/test_http.py::test_persistent_503_names_source_endpoint_and_attempts",
                  "\"NDXP /api/ung-dung: HTTP 503 after 5 attempts\"; 5 calls, 4 growing waits"),
            Check(f"{W}/test_loader.py::test_an_exception_mid_load_rolls_back_and_is_recorded_as_failed",
                  "an error after two pages: staging, raw and the watermark as before; a "
                  "`failed` ledger row with the error"),
            Check(f"{R}/test_source_faults.py::test_a_source_down_all_night_keeps_the_previous_data_and_says_where",
                  "nightly run with TTHC dossiers down: 5 tries, not published, the problem "
                  "reads \"tthc/dossier failed: TTHC /api/hoso: HTTP 503 after 5 attempts\", "
                  "staging and raw unchanged, the snapshot byte for byte the previous one, "
                  "`meta.run` failed with the same message"),
        ),
    ),
    Fault(
        "429 with Retry-After (seconds and HTTP date)",
        "`Retry-After: 7`, an HTTP date 20 s ahead, and a day (capped) on the first answer",
        "waits as told (capped), then succeeds",
        (
            Check(f"{C}/test_http.py::test_429_retry_after_seconds_is_waited_as_told",
                  "one wait of exactly 7 s, then the page"),
            Check(f"{C}/test_http.py::test_429_retry_after_http_date_is_waited_until_then",
                  "one wait of 20 s for a date 20 s ahead"),
            Check(f"{C}/test_http.py::test_retry_after_is_capped",
                  "86400 s and a date an hour ahead both wait the 60 s cap"),
            Check(f"{C}/test_http.py::test_parse_retry_after",
                  "seconds, fractions, past and future dates, garbage and absence"),
            Check("tests/simulator/test_faults.py::test_429_with_retry_after_seconds_or_http_date",
                  "the simulator sends both header forms"),
        ),
    ),
    Fault(
        "timeout / connection reset",
        "`body=ReadTimeout()` / `ConnectionError`; the simulator holding an answer 5 s "
        "(`delay_s`) and cutting a body mid-way (`truncate_mode=\"connection\"`)",
        "retried, never hangs; every request has a timeout",
        (
            Check(f"{C}/test_http.py::test_every_request_carries_connect_and_read_timeouts",
                  "each request carries the configured (connect, read) timeouts"),
            Check(f"{C}/test_http.py::test_read_timeout_is_retried",
                  "a read timeout, then a reset, then the page: two waits"),
            Check(f"{C}/test_http.py::test_persistent_read_timeout_is_an_error_after_the_attempts",
                  "\"NDXP /api/ung-dung: ReadTimeout after 5 attempts\" after 5 calls"),
            Check(f"{R}/test_source_faults.py::test_a_hanging_answer_and_a_reset_connection_are_cut_off_and_retried",
                  "over HTTP with a 0.5 s read timeout: the hanging first page is asked twice, "
                  "the pull ends in under 5 s, a reset payment page is retried, staging equals "
                  "a clean run's"),
        ),
    ),
    Fault(
        "truncated or invalid JSON",
        "200 with a cut body (`responses`; the simulator's `truncate_responses`)",
        "nothing staged from it; retried, then a clear error",
        (
            Check(f"{C}/test_http.py::test_truncated_json_then_ok_is_retried",
                  "one cut body, one wait, then the page"),
            Check(f"{C}/test_http.py::test_always_truncated_json_is_a_bad_response",
                  "\"NDXP /api/ung-dung: invalid JSON body after 5 attempts\""),
            Check(f"{R}/test_source_faults.py::test_a_page_that_stays_truncated_stages_nothing_and_says_so",
                  "the second page of TTHC dossiers cut on all 5 tries: the load fails with "
                  "\"TTHC /api/hoso: invalid JSON body after 5 attempts\", staging and raw "
                  "as before (the first page's rows are not staged either)"),
        ),
    ),
    Fault(
        "401/403/404",
        "status codes from `responses`; a simulator that refuses the credential",
        "no retry; clear error without the credential",
        (
            Check(f"{C}/test_http.py::test_401_with_a_bad_static_token_is_not_retried",
                  "one call, no wait, \"NDXP /api/ung-dung: HTTP 401 unauthorized: wrong token\""),
            Check(f"{C}/test_http.py::test_403_and_404_are_not_retried",
                  "one call each, the status and the source's message"),
            Check(f"{C}/test_tthc.py::test_bad_client_secret_is_an_auth_error_at_the_token_endpoint",
                  "\"TTHC /oauth/token: HTTP 401 invalid_client: bad client\""),
            Check("tests/integration/test_secrets.py::test_sentinel_secret_absent_on_success_and_on_401",
                  "every endpoint fails with a 401 message; the sentinel secret is in no "
                  "log line, message or table"),
        ),
    ),
    Fault(
        "paging shifts during a pull",
        "the simulator's new `FaultPlan(insert_while_paging=N)`: after each of N pages a "
        "record is inserted behind the pager (a copy of the page's first record, one "
        "second older, new key), so offset pages shift",
        "no duplicate natural keys",
        (
            Check(f"{R}/test_paging_shift.py::test_the_knob_inserts_behind_the_pager_and_the_next_page_repeats",
                  "over raw HTTP: page 2 starts with page 1's last record; the inserted key "
                  "is served on no page"),
            Check(f"{R}/test_paging_shift.py::test_records_inserted_while_paging_are_neither_doubled_nor_lost",
                  "TTHC (page numbers), LRIS (Link header) and iOffice (cursor), 3 inserts "
                  "during an incremental pull: offset paging did serve a record twice, "
                  "staging holds no key twice, the inserted records are missed by that pull "
                  "and delivered by the next; every source key is staged"),
            Check(f"{C}/test_tthc.py::test_pages_added_during_the_pull_are_followed",
                  "totalPages growing mid-pull: the added page is fetched"),
        ),
        gaps=(
            Gap("Records inserted behind the pager are recovered by the look-back window "
                "(`collect.lookback_days`, 7): with a look-back of 0 the paging-shift test "
                "fails, so it is what protects incremental pulls; a record inserted with an "
                "update time older than the window is recovered only by a period pull."),
        ),
    ),
    Fault(
        "duplicates across pages",
        "`responses` pages that repeat a key; the simulator's `duplicate_pages`",
        "one row per key",
        (
            Check(f"{C}/test_lris.py::test_a_record_repeated_across_pages_is_yielded_and_counted",
                  "the repeat is yielded as it came, counted and logged once"),
            Check(f"{W}/test_loader.py::test_duplicates_across_pages_keep_the_latest_update",
                  "one staged row per key, the latest update winning, ties to the later row"),
            Check(f"{R}/test_source_faults.py::test_records_repeated_across_pages_are_staged_once",
                  "5 TTHC pages each repeating a record: 5 rows fetched in excess, staging "
                  "has exactly one row per source key"),
            Check("tests/simulator/test_faults.py::test_duplicate_across_pages",
                  "the knob repeats records without losing any"),
        ),
    ),
    Fault(
        "schema drift (renamed/missing field, \"N/A\" in a number)",
        "changed payloads: renamed columns, text in amounts (frames, and the simulator's "
        "`rename_fields` / `replace_values`)",
        "contract fails closed: rows quarantined with reasons, previous good data kept",
        (
            Check(f"{W}/test_loader.py::test_a_renamed_field_rejects_the_batch_and_keeps_the_previous_data",
                  "a renamed key: `rejected`, 100 rows in quarantine, staging and watermark "
                  "unchanged, \"nothing loaded, previous data kept\""),
            Check(f"{W}/test_loader.py::test_bad_amounts_are_quarantined_and_the_good_amount_stays",
                  "one bad amount within the threshold: that row quarantined with its reason, "
                  "its previous good value kept"),
            Check(f"{W}/test_loader.py::test_a_batch_above_the_threshold_loads_nothing_and_says_so",
                  "6% bad rows: nothing loaded, the share and the reasons in the message"),
            Check("tests/contracts/test_entities.py::test_text_in_an_amount_is_rejected_by_name",
                  "the reason names the column and the value"),
            Check(f"{R}/test_source_faults.py::test_schema_drift_from_the_source_is_quarantined_and_the_previous_data_kept",
                  "every TTHC payment with `SoTien: \"N/A\"` and `MaHoSo` renamed: the load "
                  "is `rejected` (\"contract broken: N of N rows rejected … nothing loaded, "
                  "previous data kept\"), the reason names dossier_id and amount, staging "
                  "unchanged"),
        ),
    ),
    Fault(
        "impossible values (negative counts, numerator > denominator)",
        "records with a negative count and more regular users than accounts (the "
        "simulator's `replace_values` on iOffice usage); declarations with a negative "
        "count or a numerator above its denominator",
        "quarantined, not scored, reported",
        (
            Check(f"{R}/test_source_faults.py::test_impossible_counts_are_quarantined_reported_and_never_reach_a_measure",
                  "3 iOffice usage records: quarantined with \"incoming_docs: -4 < 0\" and "
                  "the regular-above-accounts rule, reported in the load's message, absent "
                  "from staging and from the fact view every measure reads"),
            Check("tests/contracts/test_entities.py::test_a_negative_amount_is_rejected",
                  "\"amount: -5 < 0\""),
            Check("tests/flows/test_declare.py::test_each_bad_row_is_named_by_row_and_column_and_nothing_is_written",
                  "a negative count, and a numerator above its denominator, refused by row "
                  "and column; nothing written"),
            Check("tests/flows/test_declare.py::test_a_numerator_above_a_denominator_imported_earlier_is_refused",
                  "the denominator from an earlier import still bounds the numerator"),
            Check("tests/flows/test_declare.py::test_the_build_refuses_a_numerator_above_its_denominator_across_files",
                  "the build refuses the pair across two declaration files"),
            Check(f"{R}/test_impossible_values.py::test_a_measures_file_with_a_numerator_above_its_denominator_is_refused_by_line",
                  "`chiso score --measures` with 5 apps via LGSP of 3 apps: exit 2, the file's "
                  "line 3, column value, \"… = 5 is greater than apps_with_shared_data = 3 "
                  "(line 2) for unit 89, period 2024\"; nothing scored"),
            Check(f"{R}/test_impossible_values.py::test_a_numerator_equal_to_its_denominator_is_scored",
                  "a numerator equal to its denominator is scored"),
        ),
        gaps=(
            Gap("The scoring engine itself still caps a numerator above its denominator at "
                "the criterion's maximum, with \"capped\" in the detail "
                "(tests/scoring/test_par7.py::test_numerator_above_denominator_is_capped_at_max): "
                "every way in (sources, declarations, `chiso score --measures` files) refuses "
                "such values before they become measures, so the cap is a last guard."),
            Gap("The declaration tests of a numerator above its denominator skip if no "
                "shipped framework has a ratio whose two sides are both declared."),
        ),
    ),
    Fault(
        "empty page or sudden volume drop",
        "`[]` on the first page where the warehouse holds records (`empty_pages`), and an "
        "empty page in the middle of a listing; frames for the loader's own tests",
        "publication blocked, operator told",
        (
            Check(f"{R}/test_volume_guard.py::test_nothing_where_thousands_were_loads_nothing_and_says_why",
                  "0 rows where 3,010 are held: `failed`, \"volume drop: 0 rows fetched where "
                  "the warehouse already holds 3,010 dossier rows in all (floor 50%); nothing "
                  "loaded, previous data kept\", staging and watermark unchanged"),
            Check(f"{R}/test_volume_guard.py::test_an_incremental_pull_is_measured_against_its_own_window",
                  "an incremental pull is compared with the rows held for its window, not the "
                  "whole table"),
            Check(f"{R}/test_volume_guard.py::test_the_floor_is_a_share_of_what_is_held",
                  "50 of 100 passes, 49 fails, a floor of 0 turns the check off"),
            Check(f"{R}/test_volume_guard.py::test_an_empty_page_in_the_middle_of_a_listing_fails_the_load",
                  "an empty page between two full ones: `failed`, naming the page"),
            Check(f"{R}/test_volume_guard.py::test_an_empty_first_load_is_still_an_empty_listing",
                  "a first load of nothing is not a drop"),
            Check(f"{R}/test_source_faults.py::test_an_empty_answer_where_there_were_records_blocks_publication",
                  "`chiso run` with TTHC answering `[]`: exit 1, \"Not published: tthc/dossier "
                  "failed: volume drop: 0 rows fetched where the warehouse already holds …\", "
                  "staging, watermark and the snapshot as before"),
            Check(f"{R}/test_source_faults.py::test_an_empty_page_in_the_middle_of_a_listing_fails_its_load",
                  "LRIS follows its Link past an empty page: the load fails, staging "
                  "unchanged (without the guard it completes, missing a page)"),
        ),
    ),
    Fault(
        "kill -9 mid-load",
        "`CHISO_CRASH_AT=mid-fetch|mid-load|after-commit-before-publish` makes a `chiso run` "
        "child process SIGKILL itself there (flows/crash_points.py)",
        "rerun equals one clean run; exactly one completed ledger row",
        (
            Check(f"{R}/test_crash.py::test_a_rerun_after_kill_9_equals_one_clean_run",
                  "for each point: the child died of SIGKILL; every ledger row is completed "
                  "and nothing (raw, staging, watermark) belongs to a load without one; the "
                  "snapshot is absent or the previous file, untouched; after a rerun, staging "
                  "and marts equal one clean run's (counts and content hashes), in the "
                  "warehouse and the snapshot, with one completed ledger row per endpoint"),
            Check(f"{R}/test_crash.py::test_every_crash_point_is_tested",
                  "every crash point in flows/crash_points.py has its case"),
            Check(f"{W}/test_loader.py::test_an_exception_mid_load_rolls_back_and_is_recorded_as_failed",
                  "an exception inside a load leaves nothing of it"),
            Check("tests/integration/test_backfill.py::test_an_interrupted_backfill_resumes_and_ends_as_one_clean_run",
                  "an interrupted backfill resumes and ends equal to a clean one"),
            Check(f"{W}/test_interrupted_runs.py::test_the_next_run_marks_a_killed_run_failed_and_leaves_finished_runs_alone",
                  "a run row left `running` by a killed process is marked `failed` by the next "
                  "run that takes the run lock, \"interrupted: the process ended without "
                  "finishing (found by run next)\", its end time left unknown; finished rows "
                  "unchanged"),
            Check(f"{W}/test_interrupted_runs.py::test_a_run_that_finds_nothing_interrupted_changes_no_other_row",
                  "with no interrupted run, starting a run changes no other row"),
        ),
    ),
    Fault(
        "two runs at once on one warehouse",
        "a second process holding the run lock (and having written its run row) while "
        "`chiso run` starts",
        "one wins, the other stops with a clear message; nothing duplicated",
        (
            Check(f"{R}/test_two_runs.py::test_a_second_run_in_another_process_stops_at_once_and_writes_nothing",
                  "exit 2, \"another chiso run holds the warehouse … (pid N, since …)\" naming "
                  "the holder's pid; no run row, no load, no snapshot from the second run"),
            Check(f"{W}/test_connection.py::test_a_second_writer_in_another_process_fails_at_once",
                  "the writer lock refuses a second process in under 5 s, naming the holder"),
            Check("tests/integration/test_collect_flow.py::test_a_second_run_on_the_same_warehouse_stops_at_once",
                  "the collect flow stops with WarehouseBusy while the run lock is held"),
            Check(f"{W}/test_publish.py::test_publishing_by_path_takes_the_writer_lock",
                  "publishing by path while a run writes is refused (WarehouseBusy), then "
                  "works once the writer is done"),
        ),
    ),
    Fault(
        "hostile identifiers (`x\"; DROP TABLE …`, `../../etc/passwd`)",
        "SQL, a path traversal, a NUL byte and 100,000 characters in CLI arguments, "
        "declaration CSV/XLSX cells and framework files; Windows-1258 and Latin-1 CSVs; "
        "an XLSX with a formula and a macro part",
        "rejected before SQL or the file system",
        (
            Check(f"{R}/test_hostile_input.py::test_hostile_arguments_are_refused_before_sql_or_the_file_system",
                  "11 commands × 4 values: exit 2, an `error:` naming the argument, no "
                  "traceback, no file created (no warehouse, lock, form), and under 2,000 "
                  "characters of output for a 100,000-character value"),
            Check(f"{R}/test_hostile_input.py::test_a_refusal_of_a_very_long_value_stays_readable",
                  "a 100,000-character period is quoted by its first 60 characters and its "
                  "length: the whole output stays under 2,000 characters"),
            Check(f"{R}/test_hostile_input.py::test_an_override_with_a_hostile_measure_or_unit_changes_nothing",
                  "refused by name before any flow starts (no Prefect traceback); no table "
                  "dropped, no override stored"),
            Check(f"{R}/test_hostile_input.py::test_a_refusal_is_printed_as_written",
                  "`[a-z0-9_]` in a refusal reaches the terminal as written, not as rich markup"),
            Check(f"{R}/test_hostile_input.py::test_a_hostile_config_path_is_an_operator_error",
                  "`--config` /etc/passwd-like, with a NUL byte or 100,000 characters long: "
                  "exit 2, an `error:` naming the configuration, no traceback"),
            Check(f"{R}/test_hostile_input.py::test_every_command_refuses_a_config_that_is_not_a_readable_toml_file",
                  "7 commands × 3 config paths: \"is not TOML: … (at line 1\", \"holds a NUL "
                  "byte\", \"is too long (100,000 characters)\"; under 2,000 characters "
                  "of output, no file created"),
            Check(f"{R}/test_hostile_input.py::test_a_correction_without_a_warehouse_is_refused_and_creates_none",
                  "rerun, override set/withdraw/list, history with no warehouse: exit 2, "
                  "\"no warehouse at PATH: run chiso collect …\", no warehouse, lock or "
                  "directory created"),
            Check(f"{R}/test_hostile_input.py::test_a_declaration_csv_in_another_encoding_is_refused_whole",
                  "\"row 2: not UTF-8 text (save it as CSV UTF-8)\"; nothing written"),
            Check(f"{R}/test_hostile_input.py::test_hostile_identifiers_in_a_declaration_file_write_nothing_anywhere",
                  "hostile unit, measure and period cells refused by row and column; no "
                  "file appears anywhere under the test's directory"),
            Check(f"{R}/test_hostile_input.py::test_a_nul_byte_in_a_declaration_csv_is_refused",
                  "a NUL byte in a cell: refused by row and column (\"holds a NUL byte\"); "
                  "nothing written"),
            Check(f"{R}/test_hostile_input.py::test_a_formula_in_a_workbook_is_read_as_its_stored_value_never_run",
                  "a formula `=10+20` stored with the value 7 imports as 7; no formula text "
                  "and no macro part reach the declarations, which are CSV only"),
            Check(f"{R}/test_hostile_input.py::test_a_formula_without_a_stored_value_is_refused_not_computed",
                  "a formula with no stored value is refused as empty, not evaluated"),
            Check(f"{R}/test_hostile_input.py::test_a_macro_workbook_is_refused",
                  "an .xlsm file is refused"),
            Check(f"{R}/test_hostile_input.py::test_hostile_ids_in_a_framework_file_are_refused_by_name",
                  "hostile framework and criterion ids (SQL, traversal, NUL byte, 100,000 "
                  "characters) fail the file's id patterns, which allow at most 64 characters"),
            Check(f"{R}/test_hostile_input.py::test_a_hostile_framework_name_never_becomes_a_path",
                  "a hostile framework name is unknown, never a file to open"),
            Check(f"{W}/test_loader.py::test_hostile_entity_names_never_reach_sql",
                  "an entity name outside the schema is refused before any SQL"),
            Check(f"{W}/test_marts_io.py::test_filter_values_are_bound_not_spliced",
                  "`2024' OR '1'='1` as a filter value deletes nothing"),
            Check("tests/flows/test_explain.py::test_hostile_arguments_exit_2_and_change_nothing",
                  "explain: exit 2, scores unchanged"),
            Check("tests/integration/test_disputes.py::test_hostile_arguments_are_refused_and_change_nothing",
                  "rerun: exit 2, scores unchanged"),
            Check("tests/scoring/test_measures_file.py::test_empty_file_and_hostile_unit_code",
                  "a measures file with a hostile unit is refused by line and column"),
            Check("tests/scoring/test_measure_keys.py::test_malformed_keys_are_refused_with_the_reason",
                  "a hostile measure key is refused with the reason"),
        ),
    ),
    Fault(
        "a secret in a log",
        "a sentinel secret in every `CHISO_*` variable, through successful pulls and 401s",
        "sentinel absent from logs, errors, artifacts, warehouse",
        (
            Check(f"{C}/test_secrets.py::test_the_sentinel_appears_nowhere",
                  "each source, success and failure: not in log records, errors, reprs, "
                  "request strings; it did go on the wire"),
            Check("tests/integration/test_secrets.py::test_sentinel_secret_absent_on_success_and_on_401",
                  "collect over HTTP, accepted and refused: not in the log, the messages or "
                  "any text column of any table"),
            Check(f"{C}/test_http.py::test_request_strings_never_carry_credentials",
                  "credentials in a query string are masked in what is stored"),
            Check(f"{C}/test_http.py::test_netrc_cannot_override_our_credentials",
                  "a .netrc never replaces the configured credential"),
            Check(f"{C}/test_config.py::test_a_secret_in_the_config_file_is_refused",
                  "a secret written in the config file is refused"),
            Check("tests/simulator/test_request_log.py::test_every_call_is_logged_without_credentials",
                  "the simulator's request log holds no credential"),
        ),
    ),
    Fault(
        "analysts read while a run publishes",
        "an analyst's process holds a read-only connection to the snapshot, and connects "
        "afresh every 50 ms, across a whole nightly run that changes the figures",
        "analysts are never blocked and never read a half-built period",
        (
            Check(f"{R}/test_analysts.py::test_an_open_reader_reads_whole_snapshots_throughout_a_nightly_run",
                  "no read fails; the held connection reads the old figures every time, "
                  "fresh ones the old or the new; the run publishes; the file the analyst "
                  "opened is the old snapshot byte for byte and the new one is another file"),
            Check(f"{W}/test_publish.py::test_an_open_reader_keeps_its_snapshot_and_a_new_reader_sees_the_new_one",
                  "an open reader keeps its snapshot; a new one, in or out of process, sees "
                  "the new one"),
            Check(f"{W}/test_publish.py::test_a_published_snapshot_reads_like_the_warehouse_and_cannot_be_written",
                  "the snapshot is read-only"),
        ),
        extra=True,
    ),
)  # fmt: skip

FAULTS = frozenset(f.fault for f in MATRIX)
