"""The benchmark's correctness gate on two small warehouses built here: chiso's staging
(our columns, enum words, naive local timestamps) and a dlt-like dataset (the source's
snake-cased fields, enum codes, dates as source text or UTC instants)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks.gate import compare_warehouses

DATASET = "dlt_bench"
ENTITIES = ("unit", "incoming_document", "payment")

CHISO_DDL = (
    "CREATE SCHEMA staging",
    """CREATE TABLE staging.unit (unit_code VARCHAR PRIMARY KEY, unit_name VARCHAR,
        unit_level VARCHAR, parent_code VARCHAR, valid_from TIMESTAMP, valid_to TIMESTAMP,
        updated_at TIMESTAMP, _load_id BIGINT, _loaded_at TIMESTAMP)""",
    """CREATE TABLE staging.incoming_document (document_id VARCHAR PRIMARY KEY,
        reference_no VARCHAR, received_at TIMESTAMP, unit_code VARCHAR, is_secret BOOLEAN,
        form VARCHAR, updated_at TIMESTAMP, _load_id BIGINT, _loaded_at TIMESTAMP)""",
    """CREATE TABLE staging.payment (payment_id VARCHAR PRIMARY KEY, dossier_id VARCHAR,
        amount DECIMAL(18,2), paid_at TIMESTAMP, payment_channel VARCHAR,
        updated_at TIMESTAMP, _load_id BIGINT, _loaded_at TIMESTAMP)""",
)
CHISO_ROWS = (
    """INSERT INTO staging.unit VALUES
        ('89', 'Tỉnh An Giang', 'province', NULL, '2015-01-01', NULL,
         '2024-01-02 08:00:00', 1, now()),
        ('883', 'Long Xuyên', 'district', '89', '2015-01-01', NULL,
         '2024-02-03 09:10:11', 1, now()),
        ('30001', 'Mỹ Bình', 'commune', '883', '2015-01-01', NULL,
         '2024-03-04 23:59:59', 1, now())""",
    """INSERT INTO staging.incoming_document VALUES
        ('VBDEN-1', '1/QĐ', '2024-03-05 14:22:10', '000.01.00.H01', false, 'electronic',
         '2024-03-06 00:30:00', 1, now()),
        ('VBDEN-2', '2/QĐ', '2024-03-07 06:00:00', '000.02.00.H01', NULL, 'paper',
         '2024-03-07 06:00:00', 1, now())""",
    """INSERT INTO staging.payment VALUES
        ('GD1', 'HS1', 150000, '2024-04-01 10:00:00', 'online', '2024-04-01 10:05:00', 1, now()),
        ('GD2', 'HS2', 2500.5, NULL, 'offline', '2024-04-02 11:00:00', 1, now())""",
)

# dlt: source field names snake-cased, codes as sent, a column never created when all
# its values are null (ngay_het_hieu_luc), rows in another order.
DLT_DDL = (
    f"CREATE SCHEMA {DATASET}",
    f"""CREATE TABLE {DATASET}.unit (ma_don_vi VARCHAR, ten_don_vi VARCHAR,
        cap_don_vi VARCHAR, ma_don_vi_cha VARCHAR, ngay_hieu_luc VARCHAR,
        ngay_cap_nhat VARCHAR, _dlt_load_id VARCHAR, _dlt_id VARCHAR)""",
    f"""CREATE TABLE {DATASET}.incoming_document (id VARCHAR, so_ky_hieu VARCHAR,
        ngay_den TIMESTAMPTZ, don_vi_nhan VARCHAR, do_mat BOOLEAN, hinh_thuc VARCHAR,
        ngay_cap_nhat TIMESTAMPTZ, _dlt_load_id VARCHAR, _dlt_id VARCHAR)""",
    f"""CREATE TABLE {DATASET}.payment (ma_giao_dich VARCHAR, ma_ho_so VARCHAR,
        so_tien DOUBLE, thoi_gian_thanh_toan VARCHAR, kenh_thanh_toan VARCHAR,
        ngay_cap_nhat VARCHAR, _dlt_load_id VARCHAR, _dlt_id VARCHAR)""",
)
DLT_ROWS = (
    f"""INSERT INTO {DATASET}.unit VALUES
        ('30001', 'Mỹ Bình', 'xa', '883', '01/01/2015 00:00:00', '04/03/2024 23:59:59',
         'l', 'a'),
        ('89', 'Tỉnh An Giang', 'tinh', NULL, '01/01/2015 00:00:00', '02/01/2024 08:00:00',
         'l', 'b'),
        ('883', 'Long Xuyên', 'huyen', '89', '01/01/2015 00:00:00', '03/02/2024 09:10:11',
         'l', 'c')""",
    f"""INSERT INTO {DATASET}.incoming_document VALUES
        ('VBDEN-2', '2/QĐ', '2024-03-06 23:00:00+00', '000.02.00.H01', NULL, 'giay',
         '2024-03-07 06:00:00+07', 'l', 'a'),
        ('VBDEN-1', '1/QĐ', '2024-03-05 07:22:10+00', '000.01.00.H01', false, 'dien_tu',
         '2024-03-05 17:30:00+00', 'l', 'b')""",
    f"""INSERT INTO {DATASET}.payment VALUES
        ('GD2', 'HS2', 2500.5, NULL, 'truc_tiep', '2024-04-02 11:00:00', 'l', 'a'),
        ('GD1', 'HS1', 150000, '2024-04-01 10:00:00', 'truc_tuyen', '2024-04-01 10:05:00',
         'l', 'b')""",
)


def _build(path: Path, statements: tuple[str, ...]) -> Path:
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


def _alter(path: Path, statement: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(statement)


@pytest.fixture
def chiso_db(tmp_path: Path) -> Path:
    return _build(tmp_path / "chiso.duckdb", CHISO_DDL + CHISO_ROWS)


@pytest.fixture
def dlt_db(tmp_path: Path) -> Path:
    return _build(tmp_path / "dlt.duckdb", DLT_DDL + DLT_ROWS)


def test_equal_warehouses_pass(chiso_db: Path, dlt_db: Path) -> None:
    result = compare_warehouses(chiso_db, dlt_db, DATASET, ENTITIES)

    assert result.ok, result.message
    assert set(result.per_entity) == set(ENTITIES)
    unit = result.per_entity["unit"]
    assert (unit.chiso_rows, unit.dlt_rows) == (3, 3)
    assert unit.chiso_hash == unit.dlt_hash
    assert "unit_level" in unit.columns and "valid_to" in unit.columns
    assert "all 3 entities" in result.message


def test_one_changed_value_fails_and_names_the_entity(chiso_db: Path, dlt_db: Path) -> None:
    _alter(dlt_db, f"UPDATE {DATASET}.unit SET ten_don_vi = 'Châu Đốc' WHERE ma_don_vi = '883'")

    result = compare_warehouses(chiso_db, dlt_db, DATASET, ENTITIES)

    assert not result.ok
    unit = result.per_entity["unit"]
    assert not unit.ok
    assert (unit.chiso_rows, unit.dlt_rows) == (3, 3)
    assert unit.chiso_hash != unit.dlt_hash
    assert unit.differing_keys == ("883",)
    assert unit.differing_columns == ("unit_name",)
    assert result.per_entity["payment"].ok and result.per_entity["incoming_document"].ok
    assert "unit" in result.message and "883" in result.message
    assert "payment" not in result.message


@pytest.mark.parametrize(
    "statement",
    [
        # an enum code that maps to another word
        f"UPDATE {DATASET}.incoming_document SET hinh_thuc = 'ca_hai' WHERE id = 'VBDEN-1'",
        # the same wall clock in another offset is another instant
        f"UPDATE {DATASET}.incoming_document SET ngay_den = '2024-03-05 14:22:10+00' "
        "WHERE id = 'VBDEN-1'",
        # one second off in a source-formatted text date
        f"UPDATE {DATASET}.unit SET ngay_cap_nhat = '02/01/2024 08:00:01' WHERE ma_don_vi = '89'",
        # a value where chiso holds NULL
        f"UPDATE {DATASET}.payment SET thoi_gian_thanh_toan = '2024-04-02 11:00:00' "
        "WHERE ma_giao_dich = 'GD2'",
        # a cent off
        f"UPDATE {DATASET}.payment SET so_tien = 2500.51 WHERE ma_giao_dich = 'GD2'",
    ],
)
def test_any_business_value_counts(chiso_db: Path, dlt_db: Path, statement: str) -> None:
    _alter(dlt_db, statement)

    result = compare_warehouses(chiso_db, dlt_db, DATASET, ENTITIES)

    assert not result.ok
    assert sum(not check.ok for check in result.per_entity.values()) == 1


def test_a_missing_row_is_named_by_its_key(chiso_db: Path, dlt_db: Path) -> None:
    _alter(dlt_db, f"DELETE FROM {DATASET}.payment WHERE ma_giao_dich = 'GD1'")

    result = compare_warehouses(chiso_db, dlt_db, DATASET, ENTITIES)

    assert not result.ok
    payment = result.per_entity["payment"]
    assert (payment.chiso_rows, payment.dlt_rows) == (2, 1)
    assert payment.only_in_chiso == ("GD1",)
    assert payment.only_in_dlt == ()
    assert "payment: chiso 2 rows, dlt 1 rows" in result.message
    assert "only in chiso: GD1" in result.message


def test_an_extra_row_and_a_repeated_key_are_named(chiso_db: Path, dlt_db: Path) -> None:
    _alter(
        dlt_db,
        f"INSERT INTO {DATASET}.payment VALUES "
        "('GD9', 'HS9', 1, NULL, 'truc_tiep', '2024-04-09 09:00:00', 'l', 'x'), "
        "('GD1', 'HS1', 150000, '2024-04-01 10:00:00', 'truc_tuyen', '2024-04-01 10:05:00', "
        "'l', 'y')",
    )

    result = compare_warehouses(chiso_db, dlt_db, DATASET, ["payment"])

    assert not result.ok
    assert "only in dlt: GD9" in result.message
    assert "repeated keys (chiso 0, dlt 1)" in result.message


def test_a_missing_table_fails(chiso_db: Path, dlt_db: Path) -> None:
    _alter(dlt_db, f"DROP TABLE {DATASET}.unit")

    result = compare_warehouses(chiso_db, dlt_db, DATASET, ENTITIES)

    assert not result.ok
    assert f"dlt has no table {DATASET}.unit" in result.message


def test_an_unknown_entity_is_refused(chiso_db: Path, dlt_db: Path) -> None:
    with pytest.raises(KeyError, match="nonsense"):
        compare_warehouses(chiso_db, dlt_db, DATASET, ["nonsense"])


def test_the_gate_does_not_need_dlt() -> None:
    code = "import sys, benchmarks.gate; sys.exit('dlt' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# -- the baseline's configuration (needs dlt, which CI does not install)


def test_the_dlt_config_covers_every_endpoint_and_refuses_unknown_paging() -> None:
    pytest.importorskip("dlt")
    from dataclasses import replace

    from benchmarks.dlt_runner import UnsupportedPaging, paginator_for, rest_api_config
    from connectors.paging import NoPaging
    from connectors.registry import ENDPOINTS
    from flows.settings import load_settings, with_base_url

    config = rest_api_config(with_base_url(load_settings(), "http://127.0.0.1:9"), since=None)
    resources = {resource["name"]: resource for resource in config["resources"]}
    assert set(resources) == {entity for _, entity in ENDPOINTS}
    assert resources["dossier"]["endpoint"]["params"] == {"size": 1000}
    assert resources["report_submission"]["endpoint"]["params"]["per_page"] == 500
    assert resources["payment"]["primary_key"] == "MaGiaoDich"

    class OtherPaging(NoPaging):
        pass

    with pytest.raises(UnsupportedPaging, match="OtherPaging"):
        paginator_for(replace(ENDPOINTS[("ndxp", "data_service")], paging=OtherPaging()), 10)
