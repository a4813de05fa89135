"""One benchmark run at one size: the scenarios, interleaved, each run in its own
process, and the correctness gate.

Per repeat (on one simulator, in this order): the cold year (chiso, chiso through
Prefect, dlt with both loaders and the floor, in an order rotated every repeat), the
nightly job again with no change, an incremental night (≈0.3 % of records changed or
new), the same with 5 % of requests answered 429, and the rerun of one criterion. Then
the growth check on two more simulators (1 and 8 years of history at the same scale):
a cold collection of everything and an incremental night on each, interleaved.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.jobs import Job, run_job
from benchmarks.setup import PrefectServer, write_config
from benchmarks.simproc import SimProcess, SimSpec
from benchmarks.sizes import Size

CHANGED_SHARE = 0.003
FAULT_429_RATE = 0.05
RETRY_AFTER_S = 0.2

Log = Callable[[str], None]


def dlt_available() -> bool:
    """Whether dlt and the dlt runner can be imported (the ``bench`` extra)."""
    return (
        importlib.util.find_spec("dlt") is not None
        and importlib.util.find_spec("benchmarks.dlt_runner") is not None
    )


@dataclass
class Options:
    repeat: int | None = None
    only: str | None = None  # "chiso": no dlt, no floor comparison beyond chiso's own
    workdir: Path | None = None
    keep: bool = False
    growth: bool = True
    quick: bool = False  # the cold year and one incremental night, plain chiso only
    dlt_default: int | None = None  # runs of dlt's default loader (None: the size's own)
    log: Log = print


@dataclass
class SizeRun:
    size: Size
    runs: list[dict[str, Any]] = field(default_factory=list)
    gate: dict[str, Any] = field(default_factory=dict)
    simulator: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _rotate(items: Sequence[Any], by: int) -> list[Any]:
    k = by % len(items) if items else 0
    return list(items[k:]) + list(items[:k])


class _Session:
    def __init__(self, size: Size, options: Options, root: Path, prefect_env: dict[str, str]):
        self.size = size
        self.options = options
        self.root = root
        self.prefect_env = prefect_env
        self.result = SizeRun(size)

    def measure(
        self, sim: SimProcess, system: str, work: str, scenario: str, repeat: int,
        config: Path, workdir: Path,
    ) -> dict[str, Any]:  # fmt: skip
        job = Job(
            system, work, config, sim.base_url, workdir,
            env=self.prefect_env if system == "chiso-prefect" else {},
            log=self.root / "logs" / f"{scenario}-{system}-r{repeat}.log",
        )  # fmt: skip
        sim.clear_requests()
        answer = run_job(job)
        record = {
            "system": system,
            "scenario": scenario,
            "work": work,
            "repeat": repeat,
            "seconds": answer["seconds"],
            "process_seconds": answer["process_seconds"],
            "import_seconds": answer.get("import_seconds"),
            "stages": answer.get("stages", {}),
            "parts": answer.get("parts", {}),
            "rss_peak_bytes": answer["rss_peak_bytes"],
            "rows": answer.get("rows", {}),
            "requests": sim.request_count(),
            "ok": bool(answer["ok"]),
            "problems": answer.get("problems", [])[:5],
        }
        for key in ("duckdb_path", "dataset"):
            if key in answer:
                record[key] = answer[key]
        self.result.runs.append(record)
        flag = "" if record["ok"] else f"  PROBLEMS: {record['problems'][:2]}"
        self.options.log(
            f"  {self.size.name} r{repeat} {scenario:<22} {system:<14} {record['seconds']:8.2f} s"
            f"  rss {record['rss_peak_bytes'] / 2**20:7.0f} MiB  {record['requests']:6d} req{flag}"
        )
        return record


def _gate(chiso_db: Path, dlt_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare chiso's cold warehouse with each dlt warehouse of the same repeat."""
    try:
        from benchmarks.gate import compare_warehouses
    except ImportError as exc:
        return {"status": "failed", "message": f"benchmarks.gate is not available: {exc}"}
    from benchmarks.dlt_runner import all_entities

    checks: dict[str, Any] = {}
    ok = True
    for run in dlt_runs:
        result = compare_warehouses(
            chiso_db, Path(run["duckdb_path"]), run["dataset"], all_entities()
        )
        ok = ok and bool(result.ok)
        checks[run["system"]] = {
            "ok": bool(result.ok),
            "message": str(result.message),
            "per_entity": {name: _plain(check) for name, check in result.per_entity.items()},
        }
    messages = "; ".join(f"{k}: {v['message']}" for k, v in checks.items())
    return {"status": "passed" if ok else "failed", "message": messages, "checks": checks}


def _plain(value: Any) -> Any:
    """A JSON-able form of a gate's per-entity check (a dataclass or anything)."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def run_size(size: Size, options: Options, prefect_env: dict[str, str]) -> SizeRun:
    """Every scenario at `size`; the gate after each cold year when dlt runs."""
    started = time.perf_counter()
    size = size.repeated(options.repeat)
    if options.dlt_default is not None:
        size = replace(size, dlt_default_repeat=options.dlt_default)
    root = Path(tempfile.mkdtemp(prefix=f"chiso-bench-{size.name}-", dir=options.workdir))
    session = _Session(size, options, root, prefect_env)
    with_dlt = options.only != "chiso"
    gates: list[dict[str, Any]] = []
    try:
        spec = SimSpec(size.scale, size.seed, size.years)
        options.log(f"{size.name}: simulator at scale {size.scale}, years {size.years} …")
        with SimProcess(spec) as sim:
            counts = sim.counts()
            session.result.simulator = {
                "scale": size.scale, "seed": size.seed, "years": list(size.years),
                "records": sum(counts.values()), "dossiers": counts.get("dossier", 0),
                "counts": counts,
            }  # fmt: skip
            for r in range(size.repeat):
                gates.append(_repeat(session, sim, r, with_dlt))
        if options.growth and size.growth_repeat and not options.quick:
            _growth(session, size.growth_repeat)
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    if not with_dlt:
        session.result.gate = {"status": "skipped", "message": "chiso only"}
    else:
        failed = [g for g in gates if g["status"] != "passed"]
        session.result.gate = failed[0] if failed else {**gates[0], "repeats": len(gates)}
    session.result.seconds = time.perf_counter() - started
    return session.result


def _repeat(session: _Session, sim: SimProcess, r: int, with_dlt: bool) -> dict[str, Any]:
    """One repeat: the cold year, then (in the first `nightly_repeat`) the nights."""
    size = session.size
    base = session.root / f"r{r}"
    nights = r < size.nightly_repeat
    lines = {name: write_config(base / name, sim.base_url) for name in ("chiso", "chiso-prefect")}
    cold = ["chiso", "dlt-parquet", "chiso-prefect", "dlt-default", "floor"]
    if not with_dlt:
        cold = [s for s in cold if not s.startswith("dlt")]
    if r >= size.dlt_default_repeat:
        cold = [s for s in cold if s != "dlt-default"]
    if not nights or session.options.quick:
        cold = [s for s in cold if s != "chiso-prefect"]
    floor_config = write_config(base / "floor", sim.base_url)
    dlt_runs = []
    for system in _rotate(cold, r):
        config = lines.get(system, floor_config)
        record = session.measure(sim, system, "cold", "cold", r, config, base / system)
        if system.startswith("dlt"):
            dlt_runs.append(record)
    gate: dict[str, Any] = {"status": "skipped", "message": "chiso only"}
    if with_dlt:
        gate = _gate(base / "chiso" / "chiso.duckdb", dlt_runs)
        for record in dlt_runs:
            record.pop("duckdb_path", None)  # a path of this machine: not in the results
        session.options.log(f"  gate r{r}: {gate['status']} {gate['message'][:200]}")
    if not nights:
        return gate
    plain = lines["chiso"]
    if session.options.quick:
        sim.mutate(fraction=CHANGED_SHARE, seed=100 * r + 1)
        session.measure(sim, "chiso", "nightly", "incremental", r, plain, base)
        return gate
    session.measure(sim, "chiso", "nightly", "nightly-nochange", r, plain, base)
    sim.mutate(fraction=CHANGED_SHARE, seed=100 * r + 1)
    for system in _rotate(["chiso", "chiso-prefect"], r):
        session.measure(sim, system, "nightly", "incremental", r, lines[system], base)
    # chiso-prefect's warehouse catches up on the plain line's second change too, so
    # the rerun below runs on the same data.
    sim.mutate(fraction=CHANGED_SHARE, seed=100 * r + 2)
    sim.fault_429(FAULT_429_RATE, RETRY_AFTER_S)
    try:
        record = session.measure(sim, "chiso", "nightly", "incremental-429", r, plain, base)
    finally:
        record["answered_429"] = sim.clear_faults()
    session.measure(
        sim, "chiso-prefect", "rerun", "rerun-criterion", r, lines["chiso-prefect"], base
    )
    return gate


def _growth(session: _Session, repeat: int) -> None:
    size = session.size
    history = size.growth_history
    sims: dict[str, SimProcess] = {}
    try:
        for label, years in history:
            session.options.log(f"{size.name}: growth simulator {label} (years {years}) …")
            scale = size.growth_scale or size.scale
            sims[label] = SimProcess(SimSpec(scale, size.seed, years))
        one_year = sum(sims[history[0][0]].counts().values())
        changed = max(1, round(CHANGED_SHARE * one_year))
        growth: dict[str, Any] = {
            label: {"years": list(years), "records": sum(sims[label].counts().values())}
            for label, years in history
        }
        growth["changed_records"] = changed
        growth["scale"] = size.growth_scale or size.scale
        session.result.simulator["growth"] = growth
        for r in range(repeat):
            for label, _ in _rotate(list(history), r):
                sim = sims[label]
                config = write_config(session.root / f"growth-{label}-r{r}", sim.base_url)
                work = config.parent
                session.measure(sim, "chiso", "collect-full", f"growth-{label}-cold", r,
                                config, work)  # fmt: skip
                sim.mutate(count=changed, seed=100 * r + 3)
                session.measure(sim, "chiso", "nightly", f"growth-{label}-incremental", r,
                                config, work)  # fmt: skip
    finally:
        for sim in sims.values():
            sim.stop()


def run_all(sizes: Sequence[Size], options: Options) -> list[SizeRun]:
    """Every size, with one Prefect API for the whole run."""
    if options.quick:
        return [run_size(size, options, {}) for size in sizes]
    home = Path(tempfile.mkdtemp(prefix="chiso-bench-prefect-", dir=options.workdir))
    try:
        options.log("starting a Prefect API for the flows …")
        with PrefectServer(home) as prefect:
            return [run_size(size, options, prefect.env) for size in sizes]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
