"""A run's surroundings: per-run configuration files and a Prefect API of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BASE_URL = "http://127.0.0.1:8765"


def write_config(directory: Path, base_url: str) -> Path:
    """flows/chiso.toml with every source at `base_url` and the warehouse, snapshot and
    declarations redirected (the warehouse under `directory`)."""
    from flows.settings import DEFAULT_CONFIG

    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    replacements = {
        'path = "var/chiso.duckdb"': f'path = "{(directory / "chiso.duckdb").as_posix()}"',
        'snapshot_path = "var/published/chiso.duckdb"':
            f'snapshot_path = "{(directory / "published" / "chiso.duckdb").as_posix()}"',
        'dir = "declarations"': f'dir = "{(REPO / "declarations").as_posix()}"',
        DEFAULT_BASE_URL: base_url.rstrip("/"),
    }  # fmt: skip
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"{DEFAULT_CONFIG} has no {old!r} for the benchmark to redirect")
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "chiso.toml"
    target.write_text(text, encoding="utf-8")
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrefectServer:
    """A Prefect API server of the benchmark's own (SQLite under `home`), in a
    subprocess; `env` points the measured processes at it."""

    def __init__(self, home: Path, startup_timeout: float = 180.0) -> None:
        home.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.env = {
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
        }
        server_env = {
            **os.environ,
            **self.env,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        }
        server_env.pop("PREFECT_API_URL")
        self._log = open(home / "server.log", "ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start",
             "--host", "127.0.0.1", "--port", str(port)],
            env=server_env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait(startup_timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited ({self._process.returncode})")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Prefect server did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> PrefectServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
