"""The six files of a run are replaced as one set: SIGKILL while a run is being written
leaves the old run or the new one — never a mix — and the next run removes what the
killed one left behind; files kept in the run folder (the review database) survive."""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SHARED

from align.pipeline import run_check
from align.report import OUTPUT_FILES, write_run
from align.report.staging import remove_stale_runs

BIBLE = SHARED / "bench" / "bible-zh-en"
MARKERS = ("Alphaville", "Betatown")
# What `align check` runs once the checks are done: the same write_run, in its own process.
WRITER = "import pickle, sys; from align.report import write_run; write_run(pickle.load(open(sys.argv[1], 'rb')), sys.argv[2])"


def _pair(folder: Path, marker: str, zh_start: int, en_start: int) -> tuple[Path, Path]:
    """Ten Bible lines each side from a gold 1-1 link on (the Chinese has more lines, so the same
    line number on both sides is not parallel text); the marker (a Latin name in the Chinese
    only) is in the folder name, so in summary.json, and in the text, so in every other file
    (entity.missing flags it)."""
    folder = folder / marker
    folder.mkdir()
    zh = BIBLE.joinpath("zh.txt").read_text(encoding="utf-8").splitlines()[zh_start:zh_start + 10]
    en = BIBLE.joinpath("en.txt").read_text(encoding="utf-8").splitlines()[en_start:en_start + 10]
    zh[0] += f"（{marker}）"
    (folder / "zh.txt").write_text("\n".join(zh) + "\n", encoding="utf-8")
    (folder / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    return folder / "zh.txt", folder / "en.txt"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, encoder):
    folder = tmp_path_factory.mktemp("inputs")
    pickles = {}
    for marker, (zh_start, en_start) in zip(MARKERS, ((0, 0), (54, 35))):  # gold.align: [0]:[0], [54]:[35]
        run = run_check(*_pair(folder, marker, zh_start, en_start), presegmented=True, quiet=True)
        assert any(marker in f.zh for f in run.flags), "the marker must reach flags.jsonl"
        pickles[marker] = folder / f"{marker}.pickle"
        pickles[marker].write_bytes(pickle.dumps(run))
    return pickles


def _which_run(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            data = b"".join(archive.read(n) for n in archive.namelist())
    found = {m for m in MARKERS if m.encode() in data}
    assert len(found) == 1, f"{path.name}: markers {found}"
    return found.pop()


def _state(out: Path) -> str:
    """Which run ``out`` holds; fails on a mix or on missing files."""
    files = {p.name for p in out.iterdir()} - {"review.sqlite"}
    assert files == set(OUTPUT_FILES), files
    owners = {name: _which_run(out / name) for name in OUTPUT_FILES}
    assert len(set(owners.values())) == 1, f"a mix of runs: {owners}"
    return next(iter(owners.values()))


def _partials(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.run.*"))


def test_sigkill_while_writing_leaves_old_or_new_never_a_mix(tmp_path, runs):
    out = tmp_path / "run"
    write_run(pickle.loads(runs[MARKERS[0]].read_bytes()), out)
    (out / "review.sqlite").write_bytes(b"decisions")  # what `align review` keeps here
    current, outcomes, writing = MARKERS[0], [], None
    # the first write runs to the end, to time it; the kills land across that span
    for share in (None, 0.0, 0.5, 0.9, 0.97):
        new = MARKERS[1] if current == MARKERS[0] else MARKERS[0]
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(runs[new]), str(out)], cwd=REPO)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not [p for p in _partials(out) if f".run.{proc.pid}." in p.name]:
            assert time.monotonic() < deadline, "the writer never started"
            time.sleep(0.002)
        started = time.monotonic()
        if share is None:
            assert proc.wait() == 0
            writing = time.monotonic() - started
        else:
            time.sleep(share * writing)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        state = _state(out)
        assert state in (current, new)
        assert (out / "review.sqlite").read_bytes() == b"decisions"
        outcomes.append(state == new)
        current = state
    print(f"write took {writing:.2f} s; runs that ended with the new run: {outcomes}")
    # the next run removes what the killed runs left behind, and completes
    write_run(pickle.loads(runs[MARKERS[1]].read_bytes()), out)
    assert _state(out) == MARKERS[1] and _partials(out) == []
    assert (out / "review.sqlite").read_bytes() == b"decisions"


def test_a_run_folder_being_written_by_a_live_process_is_not_removed(tmp_path):
    out = tmp_path / "run"
    live = tmp_path / f".run.run.{os.getppid()}.abc.partial"
    dead = tmp_path / ".run.run.999999999.abc.partial"
    other = tmp_path / ".other.run.1.abc.partial"
    for folder in (live, dead, other):
        folder.mkdir()
    assert remove_stale_runs(out) == [dead]
    assert live.exists() and other.exists() and not dead.exists()
