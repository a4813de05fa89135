"""The simulator in a process of its own, driven over a pipe.

The benchmark never serves the data from the process it measures: `SimProcess` starts
`simulator.start_simulator` in a spawned child and sends it commands (base URL, clock,
mutations, faults, request counts, stop).
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

SYSTEMS = ("tthc", "ioffice", "lris", "ndxp")


@dataclass(frozen=True)
class SimSpec:
    scale: float
    seed: int = 89
    years: tuple[int, ...] = (2023, 2024)


class SimError(RuntimeError):
    """The simulator process refused a command or died."""


def _mutate(handle: Any, fraction: float | None, count: int | None, seed: int) -> dict[str, int]:
    """Change about `fraction` of the records (or `count` records) a night would:
    open dossiers resolved, other records re-stamped, a third of the dossier share as new
    dossiers. Vectorised on the province's frames; each touched entity's served snapshot
    is then refreshed through the public `update_record`."""
    import numpy as np

    from simulator.province import ENTITIES

    province = handle.province
    stamp = handle.advance_clock(timedelta(days=1))
    rng = np.random.default_rng(seed)
    counts = province.counts()
    stamped = {e: n for e, n in counts.items() if ENTITIES[e][2] is not None and n > 0}
    total = sum(stamped.values())
    wanted = count if count is not None else round((fraction or 0.0) * total)
    changed: dict[str, int] = {}
    for entity, n in stamped.items():
        k = min(n, round(wanted * n / total)) if total else 0
        if k <= 0:
            continue
        if entity == "dossier":
            added = k // 3
            if added:
                province.add_dossiers(added, updated_at=stamp)
                changed["dossier_new"] = added
            k -= added
        frame = province.frame(entity)
        _, key_field, update_field = ENTITIES[entity]
        rows = np.sort(rng.choice(len(frame), size=min(k, len(frame)), replace=False))
        when = np.datetime64(stamp.to_datetime64(), "s")
        frame.iloc[rows, frame.columns.get_loc(update_field)] = when
        if entity == "dossier":
            status = frame["TrangThai"].iloc[rows].astype(str).to_numpy()
            open_rows = rows[status == "dang_xu_ly"]
            frame.iloc[open_rows, frame.columns.get_loc("TrangThai")] = "da_giai_quyet"
            frame.iloc[open_rows, frame.columns.get_loc("NgayKetThuc")] = when
        # Refreshes the served snapshot of the entity (and re-stamps one of the rows).
        handle.update_record(entity, str(frame[key_field].iloc[rows[0]]), at=stamp)
        changed[entity] = len(rows)
    return changed


def _fault_429(handle: Any, rate: float, retry_after: float, requests: int) -> Any:
    """One request in 1/rate, over every system together, answers 429 with
    `Retry-After` (the first halfway through the first cycle); returns the plan."""
    from simulator.faults import FaultPlan

    every = max(1, round(1 / rate))
    pattern: list[int | None] = [None] * (every - 1) + [429]
    statuses = (pattern * (requests // every + 2))[every // 2 :]
    return handle.set_fault("*", FaultPlan(statuses=statuses, retry_after=retry_after))


def _serve(conn: Connection, spec: SimSpec) -> None:
    import logging

    logging.disable(logging.WARNING)
    from simulator import start_simulator

    try:
        handle = start_simulator(
            port=0, scale=spec.scale, seed=spec.seed, years=spec.years, warm=True
        )
    except BaseException:
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ok", handle.base_url))
    plan: Any = None
    planned = 0
    with handle:
        while True:
            try:
                command, args = conn.recv()
            except EOFError:
                return
            try:
                if command == "stop":
                    conn.send(("ok", None))
                    return
                if command == "advance_clock":
                    value: Any = str(handle.advance_clock(timedelta(seconds=args[0])))
                elif command == "mutate":
                    value = _mutate(handle, *args)
                elif command == "fault_429":
                    plan = _fault_429(handle, *args)
                    planned = plan.statuses.count(429)
                    value = None
                elif command == "clear_faults":
                    handle.clear_faults()
                    # how many 429s were answered
                    value = planned - plan.statuses.count(429) if plan is not None else 0
                    plan, planned = None, 0
                elif command == "request_count":
                    value = len(handle.requests)
                elif command == "clear_requests":
                    handle.clear_requests()
                    value = None
                elif command == "counts":
                    value = handle.province.counts()
                else:
                    raise ValueError(f"unknown command {command!r}")
                conn.send(("ok", value))
            except BaseException:
                conn.send(("error", traceback.format_exc()))


class SimProcess:
    """A simulator serving `spec` in a spawned process. Use as a context manager."""

    def __init__(self, spec: SimSpec, startup_timeout: float = 900.0) -> None:
        self.spec = spec
        context = mp.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, spec), daemon=True)
        self._process.start()
        child.close()
        self.base_url: str = self._reply(startup_timeout)

    def _reply(self, timeout: float) -> Any:
        if not self._conn.poll(timeout):
            raise SimError(f"the simulator did not answer within {timeout:.0f} s")
        try:
            status, value = self._conn.recv()
        except EOFError:
            raise SimError("the simulator process died") from None
        if status != "ok":
            raise SimError(f"simulator: {value}")
        return value

    def _call(self, command: str, *args: Any, timeout: float = 600.0) -> Any:
        self._conn.send((command, args))
        return self._reply(timeout)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def advance_clock(self, seconds: float) -> str:
        return str(self._call("advance_clock", seconds))

    def mutate(
        self, fraction: float | None = None, count: int | None = None, seed: int = 1
    ) -> dict[str, int]:
        """Change ≈`fraction` of the records (or `count` of them); returns what changed."""
        return dict(self._call("mutate", fraction, count, seed))

    def fault_429(self, rate: float, retry_after: float = 0.2, requests: int = 100_000) -> None:
        self._call("fault_429", rate, retry_after, requests)

    def clear_faults(self) -> int:
        """Remove the faults; returns how many 429s were answered since `fault_429`."""
        return int(self._call("clear_faults"))

    def request_count(self) -> int:
        return int(self._call("request_count"))

    def clear_requests(self) -> None:
        self._call("clear_requests")

    def counts(self) -> dict[str, int]:
        return dict(self._call("counts"))

    def stop(self) -> None:
        if self._process.is_alive():
            try:
                self._call("stop", timeout=30)
            except (SimError, OSError):
                pass
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
        self._conn.close()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def years_back(last: int, n: int) -> tuple[int, ...]:
    """`n` years of activity ending with `last`."""
    return tuple(range(last - n + 1, last + 1))


def describe(spec: SimSpec) -> str:
    years = f"{spec.years[0]}–{spec.years[-1]}" if len(spec.years) > 1 else str(spec.years[0])
    return f"scale {spec.scale}, seed {spec.seed}, years {years}"
