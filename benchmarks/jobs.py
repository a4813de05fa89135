"""What runs inside a measured child process: one chiso, dlt or floor run.

Each measured run is its own spawned process (`run_job`), so its peak RSS is its own
(``VmHWM`` of the child, read by the child at the end). The child imports what the run
needs first and times only the work; the parent also records the process's wall time.

Work kinds:

- ``cold``: ``collect --period P`` then ``build P`` (empty warehouse);
- ``nightly``: the nightly job (collect every source from its watermark, build P,
  quality checkpoint, publish);
- ``collect-full``: collect everything from an empty warehouse (no period: every
  record of every year);
- ``rerun``: re-collect and rebuild one criterion (``flows.dispute_flows.rerun_flow``).

Systems: ``chiso`` (the plain functions the flows call, no Prefect), ``chiso-prefect``
(the Prefect flows), ``floor`` (the same HTTP client fetching and decoding every page
chiso requests, nothing else), ``dlt-parquet`` / ``dlt-default`` (`benchmarks.dlt_runner`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import sys
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from warehouse.ledger import RunStatus

SYSTEMS = ("chiso", "chiso-prefect", "floor", "dlt-parquet", "dlt-default")
WORKS = ("cold", "nightly", "collect-full", "rerun")
RERUN = {"framework": "par7-2024", "criterion": "7.3.6", "unit": "89"}
"""The disputed criterion of the rerun scenario: PAR 7.3.6 (online dossiers) of the
province."""


@dataclass(frozen=True)
class Job:
    system: str
    work: str
    config: Path
    base_url: str
    workdir: Path
    period: str = "2024"
    env: dict[str, str] = field(default_factory=dict)
    log: Path | None = None

    def __post_init__(self) -> None:
        if self.system not in SYSTEMS:
            raise ValueError(f"unknown system {self.system!r}")
        if self.work not in WORKS:
            raise ValueError(f"unknown work {self.work!r}")


class JobFailed(RuntimeError):
    """A measured run did not finish, or finished without doing its work."""


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux ``VmHWM``; else ``ru_maxrss``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def credentials_env() -> dict[str, str]:
    """The simulator's credentials as chiso's secret variables (from its defaults)."""
    from simulator.server import Credentials

    demo = Credentials()
    return {
        "CHISO_TTHC_CLIENT_SECRET": demo.tthc_client_secret,
        "CHISO_IOFFICE_API_KEY": demo.ioffice_api_key,
        "CHISO_LRIS_PASSWORD": demo.lris_password,
        "CHISO_NDXP_TOKEN": demo.ndxp_token,
    }


# --------------------------------------------------------------------------- chiso


def _run_id(flow_name: str) -> str:
    """Like `flows.prefect_flows.new_run_id`, without importing Prefect."""
    return f"{flow_name}-{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _loaded(summaries: list[Any]) -> dict[str, int]:
    return {s.entity: int(s.rows_loaded) for s in summaries}


def _failures(summaries: list[Any]) -> list[str]:
    return [f"{s.source}/{s.entity} {s.status}: {s.message}" for s in summaries
            if s.status != "completed"]  # fmt: skip


def _plain_collect(settings: Any, run_id: str, request: Any) -> list[Any]:
    from flows.collect import collect_source, resolve_sources

    summaries: list[Any] = []
    for name in resolve_sources(None):
        summaries.extend(collect_source(settings, name, request, run_id))
    return summaries


def _plain_record(settings: Any, run_id: str, name: str, params: dict[str, object]) -> None:
    from warehouse.connection import open_writer
    from warehouse.ledger import start_run

    with open_writer(settings.warehouse.path) as con:
        start_run(con, run_id, name, params)


def _plain_finish(settings: Any, run_id: str, status: RunStatus, message: str) -> None:
    from warehouse.connection import open_writer
    from warehouse.ledger import finish_run

    with open_writer(settings.warehouse.path) as con:
        finish_run(con, run_id, status, message)


def _plain_build(
    settings: Any, period: str, run_id: str, declarations_dir: Path, revision: Any
) -> Any:
    from flows.build import build_period
    from warehouse.connection import open_writer

    with open_writer(settings.warehouse.path) as con:
        return build_period(
            con, period, settings.collect.province_code, declarations_dir, run_id,
            revision=revision,
        )  # fmt: skip


def _plain_quality(settings: Any, periods: Sequence[str]) -> Any:
    from reports.quality import run_quality_checkpoint

    docs = settings.warehouse.snapshot_path.parent / "quality"
    return run_quality_checkpoint(settings.warehouse.path, docs, periods)


def _plain_publish(settings: Any) -> Path:
    from warehouse.publish import publish_snapshot

    return publish_snapshot(settings.warehouse.path, None, settings.warehouse.snapshot_path)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _timed(parts: dict[str, float], part: str, step: Callable[_P, _R]) -> Callable[_P, _R]:
    """`step`, adding the seconds of each of its calls to ``parts[part]``."""

    def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        mark = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            parts[part] = parts.get(part, 0.0) + time.perf_counter() - mark

    return timed


def chiso_plain(job: Job) -> dict[str, Any]:
    """The work of the flows, calling the plain functions as the flows' tasks do (run
    records, run lock, build revisions, quality checkpoint, publishing) without Prefect.
    The night is the flow's own sequence (`flows.nightly.run_nightly`), its steps timed."""
    from flows.build import BUILD
    from flows.collect import CollectRequest, collect_source
    from flows.nightly import NightlySteps, run_nightly
    from flows.settings import load_settings
    from transforms.periods import parse_period
    from warehouse.connection import run_lock

    settings = load_settings(job.config)
    label = parse_period(job.period).label
    parts: dict[str, float] = {}
    problems: list[str] = []
    path = settings.warehouse.path
    started = time.perf_counter()
    if job.work in ("cold", "collect-full"):
        run_id = _run_id("collect")
        request = CollectRequest(parse_period(label) if job.work == "cold" else None)
        with run_lock(path):
            _plain_record(settings, run_id, "collect", {"source": None, "period": label})
            summaries = _plain_collect(settings, run_id, request)
            problems = _failures(summaries)
            _plain_finish(
                settings, run_id, "failed" if problems else "completed", "; ".join(problems)
            )
        parts["collect"] = time.perf_counter() - started
        if job.work == "cold":
            mark = time.perf_counter()
            run_id = _run_id("build")
            with run_lock(path):
                _plain_record(settings, run_id, "build", {"period": label})
                _plain_build(settings, label, run_id, settings.declarations.dir, BUILD)
                _plain_finish(settings, run_id, "completed", "")
            parts["build"] = time.perf_counter() - mark
    elif job.work == "nightly":
        steps = NightlySteps(
            start_run=_plain_record,
            collect_source=_timed(parts, "collect", collect_source),
            build_period=_timed(parts, "build", _plain_build),
            check_quality=_timed(parts, "quality", _plain_quality),
            publish=_timed(parts, "publish", _plain_publish),
            finish_run=_plain_finish,
        )
        night = run_nightly(settings, _run_id("nightly"), [label], settings.declarations.dir, steps)
        summaries, problems = night.collected, night.problems
    else:
        raise ValueError(f"chiso without Prefect does not do {job.work!r}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parts": parts, "rows": _loaded(summaries),
            "problems": problems}  # fmt: skip


def chiso_prefect(job: Job) -> dict[str, Any]:
    """The same work through the Prefect flows."""
    from flows.dispute_flows import rerun_flow
    from flows.prefect_flows import build_flow, collect_flow, nightly_flow

    config = str(job.config)
    parts: dict[str, float] = {}
    problems: list[str] = []
    started = time.perf_counter()
    if job.work in ("cold", "collect-full"):
        summaries = collect_flow(period=job.period if job.work == "cold" else None, config=config)
        parts["collect"] = time.perf_counter() - started
        problems = _failures(summaries)
        if job.work == "cold":
            mark = time.perf_counter()
            build_flow(period=job.period, config=config)
            parts["build"] = time.perf_counter() - mark
    elif job.work == "nightly":
        result = nightly_flow(periods=[job.period], config=config)
        summaries = result.collected
        problems = list(result.problems)
    else:
        dispute = rerun_flow(
            RERUN["framework"], RERUN["criterion"], RERUN["unit"], job.period,
            reason="benchmark: rerun of one criterion", operator="benchmark", config=config,
        )  # fmt: skip
        summaries = dispute.collected
        problems = list(dispute.problems)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parts": parts, "rows": _loaded(summaries),
            "problems": problems}  # fmt: skip


# --------------------------------------------------------------------------- floor


def floor(job: Job) -> dict[str, Any]:
    """Fetch and decode every page chiso's `cold` collection requests, and nothing else:
    the same client, endpoints, filters and page sizes (`connectors.endpoint._pages`
    without mapping, validation or loading)."""
    from connectors.registry import client_for, endpoints_of
    from flows.settings import SOURCES, load_settings, source_config
    from transforms.periods import parse_period

    if job.work != "cold":
        raise ValueError("the floor measures the cold collection only")
    settings = load_settings(job.config)
    start = parse_period(job.period).start - timedelta(days=settings.collect.lookback_days)
    rows: dict[str, int] = {}
    pages = 0
    started = time.perf_counter()
    for source in SOURCES:
        with client_for(source_config(settings, source)) as client:
            for spec in endpoints_of(source):
                # flows.collect._pull_start for a period request
                narrowed = spec.is_incremental and not spec.register
                since = start if narrowed else None
                params = spec.filter_params(since, None)
                page_size = spec.paging.page_size(client.page_size)
                count = 0
                for raw in spec.paging.pages(client, spec.path, params, page_size):
                    count += len(raw.records)
                    pages += 1
                rows[spec.entity] = count
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parts": {"pages": float(pages)}, "rows": rows, "problems": []}


# --------------------------------------------------------------------------- dlt


def dlt(job: Job) -> dict[str, Any]:
    """dlt's REST API source into DuckDB (`benchmarks.dlt_runner`), cold."""
    from benchmarks.dlt_runner import period_since, run_dlt
    from flows.settings import load_settings

    if job.work != "cold":
        raise ValueError("dlt is measured on the cold collection only")
    settings = load_settings(job.config)
    loader: Literal["parquet", "default"] = "parquet" if job.system == "dlt-parquet" else "default"
    since = period_since(job.period, settings)
    started = time.perf_counter()
    result = run_dlt(
        job.base_url, job.workdir, loader=loader, since=since, incremental_state=False,
        settings=settings,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "parts": {"dlt_seconds": float(result.seconds)},
        "stages": {k: float(v) for k, v in result.stages.items()},
        "rows": dict(result.rows),
        "problems": [],
        "duckdb_path": str(result.duckdb_path),
        "dataset": str(getattr(result, "dataset", "")),
    }


# --------------------------------------------------------------------------- the child


_PREIMPORTS = {
    "chiso": ("flows.collect", "flows.build", "reports.quality", "warehouse.publish"),
    "chiso-prefect": (
        "flows.collect", "flows.build", "reports.quality", "warehouse.publish",
        "flows.prefect_flows", "flows.dispute_flows",
    ),
    "floor": ("connectors.registry", "flows.collect"),
    "dlt-parquet": ("benchmarks.dlt_runner",),
    "dlt-default": ("benchmarks.dlt_runner",),
}  # fmt: skip

# Great Expectations is imported lazily by reports.quality (≈ 2.5 s, more than a small
# night's work): the works that run the quality checkpoint import it before the clock
# like any other library; the others do not, so their peak RSS does not carry it.
_PREIMPORTS_FOR_WORK = {"nightly": ("great_expectations",), "rerun": ("great_expectations",)}


def preimports(job: Job) -> tuple[str, ...]:
    """The modules a run imports before its clock starts."""
    return _PREIMPORTS[job.system] + _PREIMPORTS_FOR_WORK.get(job.work, ())


def _child(job: Job, conn: Connection) -> None:
    if job.log is not None:
        job.log.parent.mkdir(parents=True, exist_ok=True)
        out = os.open(job.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(out, 1)
        os.dup2(out, 2)
    os.environ.update(credentials_env())
    os.environ.update(job.env)
    try:
        import importlib
        import logging

        logging.basicConfig(level=logging.ERROR)
        imported = time.perf_counter()
        for module in preimports(job):
            importlib.import_module(module)
        import_seconds = time.perf_counter() - imported
        clock = None
        if job.system.startswith("chiso"):
            from benchmarks.stages import StageClock, install

            clock = StageClock()
            install(clock)
        runner = {
            "chiso": chiso_plain, "chiso-prefect": chiso_prefect, "floor": floor,
            "dlt-parquet": dlt, "dlt-default": dlt,
        }[job.system]  # fmt: skip
        result = runner(job)
        if clock is not None:
            stages = clock.snapshot()
            stages["other"] = max(0.0, result["seconds"] - sum(stages.values()))
            result["stages"] = stages
        result.setdefault("stages", {})
        result["import_seconds"] = import_seconds
        result["rss_peak_bytes"] = peak_rss_bytes()
        result["ok"] = not result["problems"]
        conn.send(result)
    except BaseException as exc:
        conn.send(
            {
                "ok": False,
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
                "rss_peak_bytes": peak_rss_bytes(),
            }
        )
    finally:
        conn.close()


def run_job(job: Job, timeout: float = 3600.0) -> dict[str, Any]:
    """Run `job` in a fresh spawned process; its result with the process's wall time.

    Raises `JobFailed` when the child dies, times out or raises.
    """
    context = mp.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, sender), name=f"bench-{job.system}")
    started = time.perf_counter()
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise JobFailed(f"{job.system} {job.work}: no answer within {timeout:.0f} s")
        result: dict[str, Any] = receiver.recv()
    except EOFError:
        raise JobFailed(
            f"{job.system} {job.work}: the process died (exit {process.exitcode}); see {job.log}"
        ) from None
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)
        receiver.close()
    result["process_seconds"] = time.perf_counter() - started
    if "error" in result:
        raise JobFailed(f"{job.system} {job.work}: {result['error']}\n{result['traceback']}")
    return result
