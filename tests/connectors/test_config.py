"""Building clients from settings: config file tables + environment secrets."""

from __future__ import annotations

import pytest

from connectors.config import HttpSettings, SourceConfig
from connectors.errors import ConfigError
from connectors.registry import ENDPOINTS, SOURCES, client_for, endpoint, endpoints_of

HTTP_TABLE = {
    "connect_timeout_s": 5,
    "read_timeout_s": 60,
    "max_attempts": 5,
    "backoff_base_s": 0.5,
    "backoff_max_s": 30,
    "retry_after_cap_s": 60,
}


def test_from_settings_takes_secrets_from_the_environment_only() -> None:
    config = SourceConfig.from_settings(
        "tthc",
        {"base_url": "http://127.0.0.1:8765/tthc/", "client_id": "chiso", "page_size": 1000},
        HTTP_TABLE,
        env={"CHISO_TTHC_CLIENT_SECRET": "from-env", "CHISO_LRIS_PASSWORD": "other"},
    )
    assert config.base_url == "http://127.0.0.1:8765/tthc"
    assert config.secret("client_secret").get_secret_value() == "from-env"
    assert config.password is None
    assert config.http == HttpSettings(**HTTP_TABLE)
    assert "from-env" not in repr(config)


def test_a_secret_in_the_config_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="api_key must come from the environment"):
        SourceConfig.from_settings(
            "ioffice", {"base_url": "http://x.test/ioffice", "api_key": "k"}, HTTP_TABLE, env={}
        )


def test_a_missing_secret_names_its_environment_variable() -> None:
    config = SourceConfig.from_settings("ndxp", {"base_url": "http://x.test/ndxp"}, env={})
    with pytest.raises(ConfigError, match="CHISO_NDXP_TOKEN"):
        client_for(config)


def test_unknown_keys_and_bad_urls_are_refused() -> None:
    with pytest.raises(ConfigError, match="invalid configuration"):
        SourceConfig.from_settings("lris", {"base_url": "http://x.test", "pagesize": 5}, env={})
    with pytest.raises(ConfigError, match="base_url"):
        SourceConfig.from_settings("lris", {"base_url": "ftp://x.test"}, env={})
    with pytest.raises(ConfigError, match="unknown source"):
        client_for(SourceConfig(name="nope", base_url="http://x.test"))


def test_the_registry_lists_every_endpoint_by_source() -> None:
    assert set(SOURCES) == {"tthc", "ioffice", "lris", "ndxp"}
    assert [e.entity for e in endpoints_of("tthc")] == [
        "unit", "procedure", "dossier", "payment",
        "unit_procedure", "one_stop_unit", "feedback", "interlink_transfer",
    ]  # fmt: skip
    assert sum(len(endpoints_of(s)) for s in SOURCES) == len(ENDPOINTS) == 22
    assert endpoint("tthc", "dossier").natural_key == "dossier_id"
    assert endpoint("ioffice", "connected_unit").natural_key == "unit_code"
    with pytest.raises(KeyError):
        endpoints_of("nope")
