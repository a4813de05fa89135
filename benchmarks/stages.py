"""Where the per-stage times of a chiso run come from: the seams, in one place.

A seam is a name the product looks up at run time (a module global of the importing
module, or a method of a class). `install` replaces each with a timed wrapper inside the
benchmark's child process; product code is never edited. Time is *exclusive*: a seam
entered while another is running (validation inside a load's flush) pauses the outer
one. Fetching runs in a thread of its own (one per source, pages read ahead), so its
time overlaps validation and loading: the stages can add up to more than the run.

If the code under a seam moves, `check_seams` (called by every chiso run and by the CI
smoke test) fails with the seam's name instead of silently timing nothing.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

STAGES = ("fetch", "validate", "load", "transform", "score")
"""chiso's stages, in pipeline order; the rest of a run's time is reported as ``other``."""

SeamKind = Literal["call", "iterator"]


@dataclass(frozen=True)
class Seam:
    """One timed name: `attribute` of `module` (``Class.method`` for a method).

    ``kind="iterator"`` times the waits on the iterator the call returns (the call
    itself only checks arguments), ``"call"`` times the call.
    """

    stage: str
    module: str
    attribute: str
    kind: SeamKind = "call"

    @property
    def name(self) -> str:
        return f"{self.module}.{self.attribute}"


SEAMS: tuple[Seam, ...] = (
    # fetch: waiting on the connector's pages (HTTP, JSON decoding, field mapping).
    Seam("fetch", "flows.collect", "fetch_endpoint", "iterator"),
    # validate: the pandera contract of each batch of pages.
    Seam("validate", "warehouse.loader", "validate_page"),
    # load: bulk inserts into raw, then the end of a load (staging merge, quarantine,
    # watermark, ledger row, COMMIT); page buffering in between.
    Seam("load", "warehouse.loader", "insert_frame"),
    Seam("load", "warehouse.loader", "EndpointLoad.add_page"),
    Seam("load", "warehouse.loader", "EndpointLoad.finish"),
    # transform: fact views and the collected measures of a period.
    Seam("transform", "flows.build", "create_fact_views"),
    Seam("transform", "flows.build", "compute_collected_measures"),
    # score: every framework's engine run and ranking.
    Seam("score", "flows.build", "score_framework"),
    Seam("score", "flows.build", "rank_units"),
)


class SeamMissing(RuntimeError):
    """A seam the benchmark times is no longer where it was."""


def _owner_and_name(seam: Seam) -> tuple[Any, str]:
    try:
        owner: Any = importlib.import_module(seam.module)
    except ImportError as exc:
        raise SeamMissing(f"seam {seam.name} ({seam.stage}): module not importable: {exc}") from exc
    *path, name = seam.attribute.split(".")
    for part in path:
        if not hasattr(owner, part):
            raise SeamMissing(f"seam {seam.name} ({seam.stage}): {seam.module} has no {part}")
        owner = getattr(owner, part)
    if not callable(getattr(owner, name, None)):
        raise SeamMissing(
            f"seam {seam.name} ({seam.stage}): no callable {name} there any more; "
            "update benchmarks/stages.py to where that stage now lives"
        )
    return owner, name


def check_seams(seams: tuple[Seam, ...] = SEAMS) -> None:
    """Raise `SeamMissing` naming the first seam that cannot be found."""
    for seam in seams:
        _owner_and_name(seam)


class StageClock:
    """Exclusive time per stage, thread-safe (each thread has its own nesting)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.calls: dict[str, int] = dict.fromkeys(STAGES, 0)
        self._lock = threading.Lock()
        self._local = threading.local()

    def _stack(self) -> list[list[float]]:
        stack: list[list[float]] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = []
            self._local.stack = stack
        return stack

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        stack = self._stack()
        frame = [0.0]  # time spent in seams nested in this one
        stack.append(frame)
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            stack.pop()
            if stack:
                stack[-1][0] += elapsed
            with self._lock:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed - frame[0]
                self.calls[stage] = self.calls.get(stage, 0) + 1

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return dict(self.seconds)


def _timed_call(clock: StageClock, stage: str, target: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clock.timing(stage):
            return target(*args, **kwargs)

    return wrapper


def _timed_pages(clock: StageClock, stage: str, pages: Iterator[Any]) -> Iterator[Any]:
    iterator = iter(pages)
    while True:
        with clock.timing(stage):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def _timed_iterator(
    clock: StageClock, stage: str, target: Callable[..., Any]
) -> Callable[..., Any]:
    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clock.timing(stage):
            pages = target(*args, **kwargs)
        return _timed_pages(clock, stage, pages)

    return wrapper


def install(clock: StageClock, seams: tuple[Seam, ...] = SEAMS) -> Callable[[], None]:
    """Wrap every seam with `clock`; returns the function that puts them back."""
    undo: list[tuple[Any, str, Any]] = []
    for seam in seams:
        owner, name = _owner_and_name(seam)
        original = getattr(owner, name)
        wrap = _timed_iterator if seam.kind == "iterator" else _timed_call
        setattr(owner, name, wrap(clock, seam.stage, original))
        undo.append((owner, name, original))

    def restore() -> None:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)

    return restore
