"""`align batch`: many document pairs through the main job, in worker processes.

Each worker loads the encoder once and reuses it for every pair it gets; vectors go through
the on-disk embedding cache. Each pair's report lands in ``OUT/<name>/``; a pair that fails
(bad file, wrong language, …) fails alone and is listed with its error in the corpus report.

A batch stops cleanly: the workers run in their own process group (Ctrl-C at the terminal
reaches only the parent), and on SIGINT or SIGTERM the parent terminates them, removes
their unfinished staging folders and exits 130 / 143. Finished documents keep their
outputs and a key file (``.batch-key``, a hash of their inputs, glossaries, model and
settings), so the same command run again checks only what is missing or changed and
rebuilds the corpus report from every result.

Two passes over the corpus: every pair is first read, embedded and aligned, and its links'
dictionary word alignments go back to the parent, which learns one word translation model
(IBM Model 1, :mod:`align.wordalign.model1`) from the whole corpus and writes it to
``OUT/corpus-model.json.gz``; then every pair is word-aligned with that model and checked.
A rare term a document uses twice is learnt from every document that uses it, and the
adequacy score reads each document's Model 1 level against the corpus's. Since each
document's result depends on the whole corpus, finished documents are reused only while
the model file belongs to the same corpus (the same documents with the same keys).
"""
from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import queue
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.embed.encoders import usable_cores
from align.errors import AlignError, InputError
from align.model import Flag, Link
from align.progress import Progress

if TYPE_CHECKING:  # pragma: no cover
    from align.pipeline import AlignedPair
    from align.wordalign.model1 import TranslationModel

MANIFEST_COLUMNS = ("name", "zh", "en")
SAFE_NAME = re.compile(r"^[\w.\- ]+$")
KEY_FILE = ".batch-key"
MODEL_FILE = "corpus-model.json.gz"
YES, NO = ("1", "true", "yes", "y"), ("", "0", "false", "no", "n")
STOP_GRACE = 1.0  # seconds a terminated worker gets before SIGKILL
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class BatchItem:
    """One document pair; ``name`` is its output folder under ``OUT/``.

    ``presegmented`` is the manifest row's own setting; ``None`` follows ``--presegmented``.
    """

    name: str
    zh: Path
    en: Path
    presegmented: bool | None = None


@dataclass
class DocumentResult:
    """What one pair produced, or why it failed (``error`` set, nothing else).

    ``reused`` marks a result read back from a previous run's outputs (unchanged key)."""

    item: BatchItem
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reused: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class BatchInterrupted(Exception):
    """SIGINT / SIGTERM stopped the batch; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int, done: int, total: int):
        super().__init__(f"interrupted by {signal.Signals(signum).name}: {done} of {total} documents done")
        self.signum, self.done, self.total = signum, done, total

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _check_name(name: str, source: Path, line: int | None) -> str:
    name = name.strip()
    if not name or not SAFE_NAME.match(name) or name in (".", ".."):
        raise InputError(source, f"document name {name!r} cannot be a folder name", line=line)
    return name


def _yes_no(value: str | None, source: Path, line: int) -> bool | None:
    value = (value or "").strip().lower()
    if value == "":
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise InputError(source, f"presegmented must be yes or no, not {value!r}", line=line)


def read_manifest(source: str | Path) -> list[BatchItem]:
    """Pairs from a CSV manifest (``name,zh,en``; paths relative to the CSV) or a folder.

    An optional ``presegmented`` column (yes/no, empty = the command's setting) lets a
    manifest mix raw documents with one-sentence-per-line files. In a folder,
    ``NAME.zh.EXT`` pairs with ``NAME.en.EXT``; a file without its partner still becomes an
    item, so it fails alone and shows up in the report.
    """
    source = Path(source)
    if source.is_dir():
        return _read_folder(source)
    if not source.is_file():
        raise InputError(source, "no such manifest file or folder")
    items, seen = [], set()
    with open(source, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            needs = f"manifest needs columns {','.join(MANIFEST_COLUMNS)} (missing {','.join(missing)})"
            raise InputError(source, needs, line=1)
        for row in reader:
            line = reader.line_num
            name = _check_name(row["name"] or "", source, line)
            if name in seen:
                raise InputError(source, f"document name {name!r} appears twice", line=line)
            if not (row["zh"] or "").strip() or not (row["en"] or "").strip():
                raise InputError(source, "row needs both a zh and an en path", line=line)
            seen.add(name)
            items.append(
                BatchItem(
                    name,
                    source.parent / row["zh"].strip(),
                    source.parent / row["en"].strip(),
                    _yes_no(row.get("presegmented"), source, line),
                )
            )
    if not items:
        raise InputError(source, "manifest lists no documents")
    return items


def _read_folder(folder: Path) -> list[BatchItem]:
    names: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        parts = path.name.split(".")
        if path.is_file() and len(parts) >= 3 and parts[-2] in ("zh", "en"):
            name = ".".join(parts[:-2])
            names.setdefault(name, {})[parts[-2]] = path
    if not names:
        raise InputError(folder, "no NAME.zh.* / NAME.en.* files in this folder")
    return [
        BatchItem(
            _check_name(name, folder, None),
            sides.get("zh", folder / f"{name}.zh.txt"),
            sides.get("en", folder / f"{name}.en.txt"),
        )
        for name, sides in sorted(names.items())
    ]


def item_settings(item: BatchItem, settings: dict[str, Any]) -> dict[str, Any]:
    """``run_check`` keyword arguments for ``item``: its manifest row wins over the command."""
    if item.presegmented is None:
        return settings
    return {**settings, "presegmented": item.presegmented}


def _file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_fingerprint(model: str | None) -> Any:
    """The model name; for a local folder also its files' names, sizes and times."""
    if model and Path(model).is_dir():
        root = Path(model)
        return [str(root.resolve())] + sorted(
            (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
        )
    return model or "use"


def document_key(item: BatchItem, settings: dict[str, Any]) -> str | None:
    """SHA-256 over the pair's bytes, the glossaries' bytes, the model and the settings.

    ``None`` when an input cannot be read (the document then runs, and fails alone)."""
    from align import __version__

    settings = item_settings(item, settings)
    try:
        files = [_file_digest(p) for p in (item.zh, item.en, *settings.get("glossaries", ()))]
    except OSError:
        return None
    described = {
        "align": __version__,
        "files": files,
        "model": _model_fingerprint(settings.get("model")),
        **{k: v for k, v in settings.items() if k not in ("glossaries", "model", "cache_dir")},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


def load_finished(item: BatchItem, out_dir: Path, key: str | None) -> DocumentResult | None:
    """The result a previous run left in ``OUT/<name>/`` under the same key, else ``None``."""
    folder = out_dir / item.name
    try:
        if key is None or (folder / KEY_FILE).read_text("utf-8").strip() != key:
            return None
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
        links = [Link.from_json(row) for row in _jsonl(folder / "pairs.jsonl")]
        flags = [Flag.from_json(row) for row in _jsonl(folder / "flags.jsonl")]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return DocumentResult(item, summary=summary, links=links, flags=flags, reused=True)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def one_sentence_per_line_warning(zh_doc, en_doc) -> str | None:
    """A warning when a pair read as raw text looks like one sentence per line.

    Both sides with the same number of non-empty lines (at least 5), about one sentence
    per line, and a segmentation that differs from the lines: such files are usually
    sentence-aligned already, and re-splitting them loses that."""
    lines = [sum(1 for line in doc.original.splitlines() if line.strip()) for doc in (zh_doc, en_doc)]
    segments = [len(doc.segments) for doc in (zh_doc, en_doc)]
    if lines[0] != lines[1] or lines[0] < 5 or segments == lines:
        return None
    if not all(0.5 <= s / n <= 2.0 for s, n in zip(segments, lines)):
        return None
    return (
        f"both files have {lines[0]} lines but were split into {segments[0]} zh and {segments[1]} en "
        "sentences: if they are one sentence per line, set presegmented=yes in the manifest (or --presegmented)"
    )


def _split_settings(settings: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``run_check`` keyword arguments as (reading and aligning ones, checking ones)."""
    checking = ("select", "ignore", "options")
    return ({k: v for k, v in settings.items() if k not in checking},
            {k: v for k, v in settings.items() if k in checking})


def align_one(item: BatchItem, settings: dict[str, Any],
              on_stage: Callable[[str], None] | None = None) -> AlignedPair | DocumentResult:
    """The first pass on one pair: read, embed, align and dictionary-align its words; a
    failure comes back as the document's failed result."""
    from align.pipeline import read_and_align

    reading, _ = _split_settings(item_settings(item, settings))
    try:
        aligned, _, _ = read_and_align(item.zh, item.en, quiet=True, on_stage=on_stage, **reading)
        if on_stage is not None:
            on_stage("word-align (dictionary)")
        aligned.align_words()
    except AlignError as exc:
        return DocumentResult(item, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one document's crash must not stop the corpus
        return DocumentResult(item, error=f"{type(exc).__name__}: {exc}")
    return aligned


def check_one(
    item: BatchItem,
    out_dir: Path,
    settings: dict[str, Any],
    aligned: AlignedPair,
    translations: TranslationModel | None,
    key: str | None = None,
    on_stage: Callable[[str], None] | None = None,
    resources: tuple | None = None,
) -> DocumentResult:
    """The second pass on one pair: word-align with the corpus model, check, write; any
    failure is caught and returned, so it fails alone.

    The key file is written after the outputs, so a document stopped halfway is checked
    again on the next run. ``resources``: the (glossary, encoder) the settings name, when the
    worker has them loaded already."""
    from align.fileio import write_text
    from align.pipeline import check_aligned, load_resources
    from align.report import write_run

    settings = item_settings(item, settings)
    folder = Path(out_dir) / item.name
    try:
        (folder / KEY_FILE).unlink(missing_ok=True)
        glossary, encoder = resources or load_resources(settings.get("glossaries", ()), settings.get("model"),
                                                        settings.get("cache_dir"))
        _, checking = _split_settings(settings)
        run = check_aligned(aligned, encoder=encoder, glossary=glossary,
                            glossary_files=settings.get("glossaries", ()), translations=translations,
                            on_stage=on_stage, **checking)
        if on_stage is not None:
            on_stage("write report")
        write_run(run, folder)
        if key is not None:
            write_text(folder / KEY_FILE, key + "\n")
    except AlignError as exc:
        return DocumentResult(item, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one document's crash must not stop the corpus
        return DocumentResult(item, error=f"{type(exc).__name__}: {exc}")
    warnings = [] if settings.get("presegmented") else [one_sentence_per_line_warning(run.zh_doc, run.en_doc)]
    return DocumentResult(item, summary=run.summary, links=run.links, flags=run.flags,
                          warnings=[w for w in warnings if w])


def run_task(task: tuple, on_stage: Callable[[str], None], loaded: dict[Any, Any]) -> Any:
    """One task of a batch worker (local process or Ray actor): ``("align", item,
    settings)`` → :func:`align_one`; ``("check", item, out_dir, settings, aligned,
    model_file, key)`` → :func:`check_one` with the corpus model. The model (from
    ``model_file``) and the glossaries and encoder the settings name are loaded once per
    worker: ``loaded`` is the worker's own store."""
    from align.pipeline import load_resources

    kind, item, *args = task
    if kind == "align":
        return align_one(item, *args, on_stage=on_stage)
    out_dir, settings, aligned, model_file, key = args
    if model_file not in loaded:
        model = read_corpus_model(Path(model_file))[1]
        if model is None:  # on a cluster: OUT not on storage this node mounts
            return DocumentResult(item, error=f"{model_file}: cannot read the corpus model the batch wrote")
        loaded[model_file] = model
    named = item_settings(item, settings)
    which = (tuple(map(str, named.get("glossaries", ()))), named.get("model"), named.get("cache_dir"))
    if which not in loaded:
        try:
            loaded[which] = load_resources(*which)
        except AlignError as exc:  # the document reports it, as a first load would
            return DocumentResult(item, error=str(exc))
    return check_one(item, out_dir, settings, aligned, loaded[model_file], key, on_stage=on_stage,
                     resources=loaded[which])


def corpus_key(keys: Sequence[str | None]) -> str:
    """The corpus's identity: every document's key, in manifest order."""
    return hashlib.sha256(json.dumps(list(keys)).encode()).hexdigest()


def write_corpus_model(path: Path, corpus: str, model: TranslationModel) -> None:
    """The corpus model and the corpus it was learnt from, gzipped JSON, written whole or not
    at all (temp file, then rename)."""
    import gzip

    from align.fileio import write_bytes

    write_bytes(path, gzip.compress(json.dumps({"corpus": corpus, "model": model.to_json()}).encode(), mtime=0))


def read_corpus_model(path: Path) -> tuple[str | None, TranslationModel | None]:
    """(corpus key, model) of a model file; (None, None) if it is missing or unreadable."""
    import gzip

    from align.wordalign.model1 import TranslationModel

    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        return data["corpus"], TranslationModel.from_json(data["model"])
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None, None


def learn_corpus_model(aligned: dict[int, AlignedPair]) -> TranslationModel:
    """Model 1 learnt from the dictionary word alignments of every aligned document, in
    manifest order (Model 1 keeps an even spread of at most 20,000 links)."""
    from align.wordalign.model1 import learn

    return learn(alignment for index in sorted(aligned) for alignment in aligned[index].words.values())


def _die_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to this worker if the parent dies (even SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def preload_encoder(model: str | None, cache_dir: str | None, threads: int) -> None:
    """Load a worker's encoder once, with its share of the cores, before its first document."""
    os.environ["ALIGN_THREADS"] = str(threads)
    from align.embed.encoders import load_encoder

    try:
        load_encoder(model, cache_dir=cache_dir)
    except AlignError:
        pass  # each document reports the model error itself


def _worker_main(slot: int, tasks, events, model: str | None, cache_dir: str | None, threads: int,
                 parent: int) -> None:
    """A worker process: own process group, model loaded once, tasks until told to stop."""
    os.setpgrp()  # the terminal's Ctrl-C goes to the parent only; the parent stops us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:
        return
    preload_encoder(model, cache_dir, threads)
    loaded: dict[Any, Any] = {}  # the corpus model, glossaries and encoder, once per worker
    while True:
        try:
            task = tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if task is None:
            return
        index, work = task
        events.put(("start", slot, index, work[0]))
        result = run_task(work, lambda stage, index=index: events.put(("stage", slot, index, stage)), loaded)
        events.put(("done", slot, index, result))


@contextmanager
def on_stop_signals(handler) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM go to ``handler`` (a function or ``SIG_IGN``);
    only the main thread can set handlers, elsewhere this does nothing."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


class StopSignal(BaseException):
    """Raised in the parent by SIGINT / SIGTERM (a BaseException, so no ``except Exception``
    on the way swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum


def raise_stop(signum: int, _frame) -> None:
    raise StopSignal(signum)


def _stop_workers(processes: Sequence[multiprocessing.Process]) -> None:
    """SIGTERM each worker's process group, SIGKILL whatever is left after ``STOP_GRACE``."""
    for proc in processes:
        if proc.is_alive():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except OSError:
                proc.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        if proc.is_alive():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.join(1.0)


def remove_unfinished(out_dir: Path, names: Sequence[str]) -> None:
    """Delete the hidden staging folders a stopped worker left beside ``OUT/<name>/``."""
    for name in names:
        for staging in out_dir.glob(f".{glob_escape(name)}.*.partial"):
            shutil.rmtree(staging, ignore_errors=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


class BatchProgress:
    """The first pass's documents aligned, then the documents checked with an ETA, and one
    line per worker: its document and stage.

    Off a terminal (a log), a line per checked document on stderr instead; nothing with
    ``quiet``."""

    def __init__(self, progress: Progress, total: int, reused: int, slots: int, quiet: bool):
        self.total, self.reused, self.log = total, reused, not quiet and progress.quiet
        self.done, self.checking, self.started = 0, False, time.monotonic()
        suffix = f" ({reused} unchanged, reused)" if reused else ""
        self._stages = [progress.stage("documents aligned (pass 1 of 2)", total=total),
                        progress.stage(f"documents checked{suffix}", total=total),
                        *(progress.stage(f"  worker {i + 1}: starting") for i in range(slots))]
        self._aligned, self._docs, *self._slot_stages = [stage.__enter__() for stage in self._stages]

    def event(self, kind: str, slot: int, name: str, stage: str | None) -> None:
        if kind != "done":
            self._slot_stages[slot].describe(f"  worker {slot + 1}: {name}: {stage or 'starting'}")
            return
        self._slot_stages[slot].describe(f"  worker {slot + 1}: idle")
        if not self.checking:
            self._aligned.advance(1)
            return
        self.done += 1
        self._docs.advance(1)
        if self.log:
            elapsed = time.monotonic() - self.started
            eta = elapsed / self.done * (self.total - self.done)
            print(f"[{self.done}/{self.total}] {name} done, ETA {eta:.0f} s", file=sys.stderr, flush=True)

    def aligned(self, failed: int) -> None:
        """The first pass is over (``failed`` documents failed it): the checks begin."""
        self.checking, self.started = True, time.monotonic()
        self.total -= failed
        self._docs.advance(failed)

    def close(self) -> None:
        for stage in reversed(self._stages):
            stage.__exit__(None, None, None)


def run_batch(
    items: Sequence[BatchItem],
    out_dir: str | Path,
    *,
    workers: int | None = None,
    quiet: bool = False,
    fresh: bool = False,
    engine: str = "local",
    address: str | None = None,
    **settings: Any,
) -> list[DocumentResult]:
    """Check every pair with ``workers`` workers; results in manifest order.

    ``engine`` ``"local"``: worker processes on this machine (default 2). ``"ray"``: Ray
    actors (:mod:`align.batch_ray`) on the cluster at ``address``, or on a local Ray started
    for the batch and stopped after it (default: one worker per CPU of the cluster).
    ``settings`` are ``align.pipeline.run_check`` keyword arguments (glossaries, model,
    select, ignore, options, presegmented, cache_dir). Two passes (see the module's
    docstring): align every pair, learn the corpus model, check every pair. Documents
    finished by an earlier run of the same corpus (same keys, same model file) are read
    back, not checked again, unless ``fresh``. SIGINT / SIGTERM stop every worker and raise
    ``BatchInterrupted``.
    """
    if engine not in ENGINES:
        raise AlignError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if address is not None and engine != "ray":
        raise AlignError("--address is the Ray cluster to run on: it needs --engine ray")
    out = Path(out_dir)
    keys = [document_key(item, settings) for item in items]
    corpus = corpus_key(keys)
    model_file = out / MODEL_FILE
    resuming = not fresh and read_corpus_model(model_file)[0] == corpus
    results: dict[int, DocumentResult] = {}
    if resuming:
        for index, (item, key) in enumerate(zip(items, keys)):
            finished = load_finished(item, out, key)
            if finished is not None:
                results[index] = finished
    todo = [i for i in range(len(items)) if i not in results]
    if not todo:
        return [results[i] for i in range(len(items))]
    if engine == "ray":
        from align.batch_ray import run_on_ray as run_passes
    else:
        run_passes = _run_in_workers
    run_passes(items, keys, todo, out, results, workers=workers, quiet=quiet, reused=len(results),
               settings=settings, address=address,
               model_file=lambda aligned: _model_for(model_file, corpus, resuming, aligned))
    return [results[i] for i in range(len(items))]


def _model_for(path: Path, corpus: str, resuming: bool, aligned: dict[int, AlignedPair]) -> str:
    """Between the passes: the corpus model's file, learnt from ``aligned`` and written —
    or, on a run resuming the same corpus, the one already there (documents it checked are
    reused, so the rest must be checked with the same model)."""
    if not resuming:
        write_corpus_model(path, corpus, learn_corpus_model(aligned))
    return str(path)


def _run_in_workers(items, keys, todo, out: Path, results: dict[int, DocumentResult], *, workers: int | None,
                    quiet: bool, reused: int, settings: dict[str, Any], address: str | None,
                    model_file: Callable[[dict[int, AlignedPair]], str]) -> None:
    del address  # the local engine runs on this machine
    cache_dir = settings.get("cache_dir")
    # spawn, not fork: a forked copy of a process that already runs BLAS / SQLite threads can hang
    context = multiprocessing.get_context("spawn")
    pool_size = max(1, min(workers or 2, len(todo)))
    threads = max(1, usable_cores() // pool_size)
    tasks, events = context.Queue(), context.Queue()
    processes = [
        context.Process(
            target=_worker_main,
            args=(slot, tasks, events, settings.get("model"), str(cache_dir) if cache_dir else None, threads,
                  os.getpid()),
            daemon=True,
        )
        for slot in range(pool_size)
    ]
    running: dict[int, int] = {}  # slot -> document index

    def run_pass(work: dict[int, tuple], bar: BatchProgress) -> dict[int, Any]:
        """Each document's task to the workers; its outcome (or its failure) by index."""
        for index, task in work.items():
            tasks.put((index, task))
        outcomes: dict[int, Any] = {}
        while len(outcomes) < len(work):
            try:
                kind, slot, index, payload = events.get(timeout=0.25)
            except queue.Empty:
                _fail_dead_workers(processes, running, items, work, outcomes, bar)
                continue
            if kind == "done":
                outcomes[index] = payload
                running.pop(slot, None)
            else:
                running[slot] = index
            bar.event(kind, slot, items[index].name, payload if kind != "done" else None)
        return outcomes

    try:
        with on_stop_signals(raise_stop), Progress(quiet) as progress:
            bar = BatchProgress(progress, len(todo), reused, pool_size, quiet)
            try:
                for proc in processes:
                    proc.start()
                two_passes(lambda work: run_pass(work, bar), bar, items, keys, todo, out, settings, results,
                           model_file)
            finally:
                bar.close()
            for _ in processes:
                tasks.put(None)
    except BaseException as exc:
        with on_stop_signals(signal.SIG_IGN):  # a second Ctrl-C must not cut the clean-up short
            _stop_workers(processes)
            remove_unfinished(out, [items[i].name for i in todo])
            tasks.cancel_join_thread()
            events.cancel_join_thread()
        if isinstance(exc, StopSignal):
            raise BatchInterrupted(exc.signum, len(results), len(items)) from None
        raise
    for proc in processes:
        proc.join(5.0)
    _stop_workers(processes)


def two_passes(run_pass: Callable[[dict[int, tuple]], dict[int, Any]], bar: BatchProgress, items, keys, todo,
               out: Path, settings: dict[str, Any], results: dict[int, DocumentResult],
               model_file: Callable[[dict[int, AlignedPair]], str]) -> None:
    """The batch over ``todo`` with one engine's ``run_pass`` (each document's task to a
    worker; the outcomes by index): align every document, learn (or reuse) the corpus
    model, check every document the first pass aligned. Fills ``results``.

    The largest documents go first (by their files' bytes), so the workers finish each pass
    together instead of one waiting for the big document that came last."""
    largest_first = sorted(todo, key=lambda i: -_input_bytes(items[i]))
    aligned = aligned_or_failed(run_pass({i: ("align", items[i], settings) for i in largest_first}), results)
    bar.aligned(failed=len(todo) - len(aligned))
    path = model_file(aligned)
    results.update(run_pass({i: ("check", items[i], out, settings, aligned[i], path, keys[i])
                             for i in largest_first if i in aligned}))


def _input_bytes(item: BatchItem) -> int:
    try:
        return item.zh.stat().st_size + item.en.stat().st_size
    except OSError:
        return 0  # the document will fail its first pass, whenever it runs


def aligned_or_failed(outcomes: dict[int, Any], results: dict[int, DocumentResult]) -> dict[int, AlignedPair]:
    """The first pass's aligned pairs; a document that failed it goes into ``results``."""
    aligned = {}
    for index, outcome in outcomes.items():
        if isinstance(outcome, DocumentResult):
            results[index] = outcome
        else:
            aligned[index] = outcome
    return aligned


def _fail_dead_workers(processes, running: dict[int, int], items, pending, outcomes, bar) -> None:
    """A worker that died (out of memory, killed) fails the document it was running; when
    every worker is gone, the ``pending`` documents fail too."""
    for slot, proc in enumerate(processes):
        if proc.exitcode is not None and slot in running:
            index = running.pop(slot)
            if index not in outcomes:
                outcomes[index] = DocumentResult(items[index], error=f"worker process died (exit code {proc.exitcode})")
                bar.event("done", slot, items[index].name, None)
    if all(proc.exitcode is not None for proc in processes):
        for index in pending:
            if index not in outcomes:
                outcomes[index] = DocumentResult(items[index], error="not checked: every worker process exited")


def term_consistency(glossary, results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    """Each glossary term's renderings per document (:func:`align.glossary.termmine.term_consistency`)."""
    from align.glossary.termmine import term_consistency as per_document

    return per_document(glossary, [(r.item.name, r.links) for r in results if r.ok])


def corpus_findings(
    results: Sequence[DocumentResult], *, select=None, ignore=None, options=None
) -> list[tuple[str, Flag]]:
    """Sentences rendered differently in different documents (the consistency checks)."""
    from align.checks.consistency import corpus_flags

    return corpus_flags([(r.item.name, r.links) for r in results if r.ok], select=select, ignore=ignore,
                        options=options)
