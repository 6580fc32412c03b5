"""`align batch --engine ray`: the per-document work as tasks of Ray actors.

Without an address the batch starts a local Ray (one CPU per core) and stops it at the end;
with ``--address`` it connects to a running cluster and only disconnects. Each actor is one
worker: it loads the encoder once, with the embedding cache of its own node, and runs one
document at a time through the same :func:`align.batch.run_task` as a local worker — the
first pass aligns it, the second checks it with the corpus model and writes ``OUT/<name>/``
itself — so on a cluster of several machines the manifest's files and OUT must be on
storage that every node mounts at the same path (the corpus model file is read from OUT
too). What comes back to the driver is each document's aligned links with their
dictionary word alignments, then its result (summary, links, flags: text, never vectors);
the corpus steps (the corpus model, terms across documents, cross-document consistency)
reduce those.

Stopping: on SIGINT / SIGTERM the driver kills every actor (their processes die at once,
mid-document), waits for them to be gone, stops the Ray it started, removes the unfinished
documents' staging folders and raises :class:`align.batch.BatchInterrupted`.
"""
from __future__ import annotations

import logging
import os
import signal
import time
from collections import deque
from pathlib import Path
from typing import Any

from align.batch import (
    STOP_GRACE,
    BatchInterrupted,
    BatchProgress,
    DocumentResult,
    StopSignal,
    on_stop_signals,
    preload_encoder,
    remove_unfinished,
    run_task,
    two_passes,
)
from align.embed.encoders import usable_cores
from align.errors import AlignError
from align.progress import Progress

POLL = 0.25  # seconds between looks at finished documents and stage reports
OBJECT_STORE_BYTES = 256 * 2**20  # a started Ray's object store: results are text, not vectors


class DocumentWorker:
    """A Ray actor (see :func:`run_on_ray`): the encoder loaded once, one document's task per call.

    ``cwd`` is the driver's working directory, so relative manifest paths mean the same
    here; ``reports`` is a Ray queue where the worker says where it runs (node, process id)
    and the current stage of each document."""

    def __init__(self, slot: int, model: str | None, cache_dir: str | None, threads: int, cwd: str, reports):
        import ray

        reports.put_nowait(("started", slot, ray.get_runtime_context().get_node_id(), os.getpid()))
        if os.path.isdir(cwd):
            os.chdir(cwd)
        self.slot, self.reports, self.loaded = slot, reports, {}
        preload_encoder(model, cache_dir, threads)

    def run(self, index: int, task: tuple) -> Any:
        return run_task(task, lambda stage: self.reports.put_nowait(("stage", self.slot, index, stage)), self.loaded)


def run_on_ray(items, keys, todo, out: Path, results: dict[int, DocumentResult], *, workers: int | None,
               quiet: bool, reused: int, settings: dict[str, Any], address: str | None, model_file) -> None:
    """Check the documents ``todo`` (indices into ``items``) on Ray in the batch's two
    passes, filling ``results``; ``model_file(aligned)`` gives the corpus model between them."""
    try:
        import ray
    except ImportError:
        raise AlignError("--engine ray needs the ray package: pip install 'align[ray]'") from None
    actors: list = []
    reports = None
    here: dict[int, int] = {}  # slot -> process id, for the actors on this machine
    stop = StopRequests()
    try:
        with on_stop_signals(stop):
            _start_or_connect(ray, address, workers)
            with on_stop_signals(stop):  # ray.init put in a SIGTERM handler of its own
                stop.check()
                pool, threads = _pool_size(ray, address, workers, len(todo))
                actors, reports = _start_actors(ray, pool, threads, settings)
                with Progress(quiet) as progress:
                    bar = BatchProgress(progress, len(todo), reused, len(actors), quiet)
                    try:
                        two_passes(lambda work: _schedule(ray, actors, reports, items, work, bar=bar, stop=stop,
                                                          here=here),
                                   bar, items, keys, todo, out, settings, results, model_file)
                    finally:
                        bar.close()
    except BaseException as exc:
        with on_stop_signals(signal.SIG_IGN):  # a second Ctrl-C must not cut the clean-up short
            _kill(ray, actors, here, reports)
            if address is None:
                ray.shutdown()
            remove_unfinished(out, [items[i].name for i in todo])
        if isinstance(exc, StopSignal):
            raise BatchInterrupted(exc.signum, len(results), len(items)) from None
        if isinstance(exc, SystemExit) and exc.code == signal.SIGTERM:  # Ray's handler, during ray.init
            raise BatchInterrupted(signal.SIGTERM, len(results), len(items)) from None
        raise
    finally:
        with on_stop_signals(signal.SIG_IGN):
            _kill(ray, actors, here, reports)
            ray.shutdown()  # stops a Ray this batch started; from a cluster, only disconnects


class StopRequests(list):
    """A signal handler that only notes the signal; the driver's loop acts on it between two
    Ray calls (an exception raised inside a call into Ray's core turns into a SystemError)."""

    def __call__(self, signum: int, _frame) -> None:
        self.append(signum)

    def check(self) -> None:
        if self:
            raise StopSignal(self[0])


def _start_or_connect(ray, address: str | None, workers: int | None) -> None:
    quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    if address is None:
        ray.init(num_cpus=max(usable_cores(), workers or 0), object_store_memory=OBJECT_STORE_BYTES, **quiet)
        return
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise AlignError(f"cannot connect to the Ray cluster at {address}: {exc}") from None


def _pool_size(ray, address: str | None, workers: int | None, documents: int) -> tuple[int, int]:
    """How many actors, and how many threads (= Ray CPUs) each: one per CPU by default.

    A started Ray lives on this machine, so fewer workers than cores share the cores out (as
    the local engine does); on a cluster each actor takes one CPU of whichever node it lands on."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if cpus < 1:
        raise AlignError(f"the Ray cluster at {address} has no CPUs to run workers on")
    pool = max(1, min(workers or cpus, cpus, documents))
    return pool, 1 if address is not None else max(1, cpus // pool)


def _start_actors(ray, pool: int, threads: int, settings: dict[str, Any]):
    from ray.util.queue import Queue

    reports = Queue(actor_options={"num_cpus": 0})
    worker = ray.remote(DocumentWorker).options(num_cpus=threads, max_restarts=0)
    cache_dir = settings.get("cache_dir")
    actors = [
        worker.remote(slot, settings.get("model"), str(cache_dir) if cache_dir else None, threads, os.getcwd(),
                      reports)
        for slot in range(pool)
    ]
    return actors, reports


def _schedule(ray, actors, reports, items, work: dict[int, tuple], *, bar: BatchProgress, stop: StopRequests,
              here: dict[int, int]) -> dict[int, Any]:
    """Give each idle actor the next document's task until all are done; each document's
    outcome by index (a dead actor fails its document)."""
    from ray.exceptions import RayActorError, RayTaskError

    waiting, idle = deque(work), deque(range(len(actors)))
    running: dict[Any, tuple[int, int]] = {}  # task ref -> (slot, document index)
    outcomes: dict[int, Any] = {}
    while waiting or running:
        stop.check()
        while idle and waiting:
            slot, index = idle.popleft(), waiting.popleft()
            running[actors[slot].run.remote(index, work[index])] = (slot, index)
            bar.event("start", slot, items[index].name, work[index][0])
        if not running:  # every actor died
            for index in waiting:
                outcomes[index] = DocumentResult(items[index], error="not checked: every Ray worker died")
            return outcomes
        ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL)
        for ref in ready:
            slot, index = running.pop(ref)
            try:
                outcomes[index] = ray.get(ref)
                idle.append(slot)
            except RayActorError as exc:
                outcomes[index] = DocumentResult(items[index], error=f"Ray worker died ({type(exc).__name__})")
            except RayTaskError as exc:
                outcomes[index] = DocumentResult(items[index], error=f"Ray task failed: {exc}")
                idle.append(slot)
            bar.event("done", slot, items[index].name, None)
        for kind, slot, index, stage in _read_reports(ray, reports, here):
            if kind == "stage" and (slot, index) in running.values():
                bar.event("stage", slot, items[index].name, stage)
    return outcomes


def _read_reports(ray, reports, here: dict[int, int]) -> list[tuple]:
    """The reports queued since the last look; an actor's start on this machine goes into
    ``here`` (so a stop can wait for its process), the stage reports are returned."""
    try:
        waiting = reports.qsize()
        batch = reports.get_nowait_batch(waiting) if waiting else []
    except Exception:  # noqa: BLE001 - the queue's actor is gone: no more reports
        return []
    node = ray.get_runtime_context().get_node_id()
    for kind, slot, where, pid in batch:
        if kind == "started" and where == node:
            here[slot] = pid
    return [report for report in batch if report[0] == "stage"]


def _kill(ray, actors: list, here: dict[int, int], reports) -> None:
    """Kill the actors, and wait (a few seconds at most) until the processes of those on this
    machine are gone, so none of them writes into OUT after this returns. (An actor on
    another node dies as soon as its raylet gets the kill; nothing here can watch it.)"""
    if not actors or not ray.is_initialized():
        return
    for actor in actors:
        ray.kill(actor, no_restart=True)
    actors.clear()
    if reports is not None:
        _read_reports(ray, reports, here)  # actors that started since the last look
    deadline = time.monotonic() + 4 * STOP_GRACE
    while any(_alive(pid) for pid in here.values()) and time.monotonic() < deadline:
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Running (not a zombie waiting for its parent, the raylet, to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False
