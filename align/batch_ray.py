"""`align batch --engine ray`: the per-document work as tasks of Ray actors.

Without an address the batch starts a local Ray (one CPU per core) and stops it at the end;
with ``--address`` it connects to a running cluster and only disconnects. Each actor is one
worker: it loads the encoder once, with the embedding cache of its own node, and checks one
document at a time with the same :func:`align.batch.check_one` as a local worker, writing
``OUT/<name>/`` itself — so on a cluster of several machines the manifest's files and OUT
must be on storage that every node mounts at the same path. What comes back to the driver
is each document's result (summary, links, flags: text, never vectors); the corpus steps
(terms across documents, cross-document consistency, corpus statistics) reduce those.

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
    BatchItem,
    BatchProgress,
    DocumentResult,
    StopSignal,
    check_one,
    on_stop_signals,
    preload_encoder,
    remove_unfinished,
)
from align.embed.encoders import usable_cores
from align.errors import AlignError
from align.progress import Progress

POLL = 0.25  # seconds between looks at finished documents and stage reports
OBJECT_STORE_BYTES = 256 * 2**20  # a started Ray's object store: results are text, not vectors


class DocumentWorker:
    """A Ray actor (see :func:`run_on_ray`): the encoder loaded once, one document per call.

    ``cwd`` is the driver's working directory, so relative manifest paths mean the same
    here; ``stages`` is a Ray queue where the current stage of each document is reported."""

    def __init__(self, slot: int, model: str | None, cache_dir: str | None, threads: int, cwd: str, stages):
        if os.path.isdir(cwd):
            os.chdir(cwd)
        self.slot, self.stages = slot, stages
        preload_encoder(model, cache_dir, threads)

    def check(self, index: int, item: BatchItem, out_dir: Path, settings: dict[str, Any],
              key: str | None) -> DocumentResult:
        return check_one(item, out_dir, settings, key,
                         on_stage=lambda stage: self.stages.put_nowait((self.slot, index, stage)))


def run_on_ray(items, keys, todo, out: Path, results: dict[int, DocumentResult], *, workers: int | None,
               quiet: bool, reused: int, settings: dict[str, Any], address: str | None) -> None:
    """Check the documents ``todo`` (indices into ``items``) on Ray, filling ``results``."""
    try:
        import ray
    except ImportError:
        raise AlignError("--engine ray needs the ray package: pip install 'align[ray]'") from None
    actors: list = []
    stop = StopRequests()
    try:
        with on_stop_signals(stop):
            _start_or_connect(ray, address, workers)
            with on_stop_signals(stop):  # ray.init put in a SIGTERM handler of its own
                stop.check()
                pool, threads = _pool_size(ray, address, workers, len(todo))
                actors, stages = _start_actors(ray, pool, threads, settings)
                _schedule(ray, actors, stages, items, keys, todo, out, results, quiet=quiet, reused=reused,
                          settings=settings, stop=stop)
    except BaseException as exc:
        with on_stop_signals(signal.SIG_IGN):  # a second Ctrl-C must not cut the clean-up short
            _kill(ray, actors)
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
            _kill(ray, actors)
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

    stages = Queue(actor_options={"num_cpus": 0})
    worker = ray.remote(DocumentWorker).options(num_cpus=threads, max_restarts=0)
    cache_dir = settings.get("cache_dir")
    actors = [
        worker.remote(slot, settings.get("model"), str(cache_dir) if cache_dir else None, threads, os.getcwd(),
                      stages)
        for slot in range(pool)
    ]
    return actors, stages


def _schedule(ray, actors, stages, items, keys, todo, out: Path, results: dict[int, DocumentResult], *,
              quiet: bool, reused: int, settings: dict[str, Any], stop: StopRequests) -> None:
    """Give each idle actor the next document until all are done; a dead actor fails its document."""
    from ray.exceptions import RayActorError, RayTaskError

    waiting, idle = deque(todo), deque(range(len(actors)))
    running: dict[Any, tuple[int, int]] = {}  # task ref -> (slot, document index)
    with Progress(quiet) as progress:
        bar = BatchProgress(progress, len(todo), reused, len(actors), quiet)
        try:
            while waiting or running:
                stop.check()
                while idle and waiting:
                    slot, index = idle.popleft(), waiting.popleft()
                    ref = actors[slot].check.remote(index, items[index], out, settings, keys[index])
                    running[ref] = (slot, index)
                    bar.event("start", slot, items[index].name, None)
                if not running:  # every actor died
                    for index in waiting:
                        results[index] = DocumentResult(items[index], error="not checked: every Ray worker died")
                    return
                ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL)
                for ref in ready:
                    slot, index = running.pop(ref)
                    try:
                        results[index] = ray.get(ref)
                        idle.append(slot)
                    except RayActorError as exc:
                        results[index] = DocumentResult(items[index], error=f"Ray worker died ({type(exc).__name__})")
                    except RayTaskError as exc:
                        results[index] = DocumentResult(items[index], error=f"Ray task failed: {exc}")
                        idle.append(slot)
                    bar.event("done", slot, items[index].name, None)
                _show_stages(stages, running, items, bar)
        finally:
            bar.close()


def _show_stages(stages, running: dict[Any, tuple[int, int]], items, bar: BatchProgress) -> None:
    """Pass the stages reported since the last look to the progress bar (running documents only)."""
    waiting = stages.qsize()
    if not waiting:
        return
    current = set(running.values())
    for slot, index, stage in stages.get_nowait_batch(waiting):
        if (slot, index) in current:
            bar.event("stage", slot, items[index].name, stage)


def _kill(ray, actors: list) -> None:
    """Kill the actors and wait (up to a few seconds) until their processes are gone, so
    nothing writes into OUT after this returns."""
    if not actors or not ray.is_initialized():
        return
    for actor in actors:
        ray.kill(actor, no_restart=True)
    probes = [actor.__ray_ready__.remote() for actor in actors]
    deadline = time.monotonic() + 4 * STOP_GRACE
    while probes and time.monotonic() < deadline:
        _, probes = ray.wait(probes, num_returns=len(probes), timeout=STOP_GRACE)
    actors.clear()
