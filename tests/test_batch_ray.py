"""`align batch --engine ray` on real local Ray clusters: the same outputs as `--engine local`
(a cluster started by the test and reached with --address, and the Ray the batch starts
itself), SIGINT / SIGTERM stopping it cleanly, and no Ray process left behind."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import EN_SEED, REPO, SEED_GLOSSARY, ZH_SEED
from test_batch import _leftovers, bible_chapters, interrupt_then_resume

from align.batch import KEY_FILE
from align.cli import main
from align.report import OUTPUT_FILES

# A Ray cluster for the test: up until its stdin closes, then shut down (its own processes only).
HOLD_CLUSTER = """
import sys, ray
info = ray.init(num_cpus=2, include_dashboard=False, object_store_memory=128 * 2**20)
print(info.address_info["gcs_address"], flush=True)
sys.stdin.read()
ray.shutdown()
"""


@pytest.fixture
def ray_tmp():
    """Ray's temp dir for this test: short (its socket paths must fit 107 bytes), and removed
    at the end; every Ray process of the test names it on its command line."""
    folder = tempfile.mkdtemp(prefix="align-ray-")
    yield folder
    assert _wait_until_gone(folder) == [], "Ray processes left running"
    shutil.rmtree(folder, ignore_errors=True)


def _ray_processes(folder: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if folder.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def _wait_until_gone(folder: str, timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := _ray_processes(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _env(ray_tmp: str) -> dict[str, str]:
    """Ray's temp dir, and a token of the test's own for Ray's token authentication (on by
    default since Ray 2.5x; without one Ray writes ~/.ray/auth_token)."""
    token = hashlib.sha256(ray_tmp.encode()).hexdigest()
    return {**os.environ, "RAY_TMPDIR": ray_tmp, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token,
            "PYTHONPATH": str(REPO)}


def _corpus(tmp_path: Path) -> Path:
    """The seed pair and two Bible chapters, with the seed glossary's terms across them."""
    gen1, gen2 = bible_chapters(["Gen:1"], tmp_path, "gen1"), bible_chapters(["Gen:2"], tmp_path, "gen2")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"name,zh,en\nseed,{ZH_SEED},{EN_SEED}\ngen1,{gen1[0].name},{gen1[1].name}\ngen2,{gen2[0].name},{gen2[1].name}\n",
        "utf-8",
    )
    return manifest


SAME = ("flags.jsonl", "pairs.jsonl")  # summary.json differs in its seconds per stage
CORPUS_SAME = ("corpus.json", "corpus.html")


def _assert_same_outputs(local: Path, other: Path) -> None:
    for name in ("seed", "gen1", "gen2"):
        assert sorted(p.name for p in (other / name).iterdir()) == sorted([*OUTPUT_FILES, KEY_FILE])
        for file in (*SAME, KEY_FILE):
            assert (other / name / file).read_bytes() == (local / name / file).read_bytes(), f"{name}/{file}"
    for file in CORPUS_SAME:
        assert (other / file).read_bytes() == (local / file).read_bytes(), file


def test_ray_engine_writes_what_the_local_engine_writes(tmp_path, ray_tmp):
    manifest = _corpus(tmp_path)
    common = ["batch", str(manifest), "--glossary", str(SEED_GLOSSARY), "--quiet"]
    assert main([*common, "--out", str(tmp_path / "local"), "--workers", "2"]) == 0

    # a cluster already running: the batch connects, runs its actors there, and leaves it up
    cluster = subprocess.Popen([sys.executable, "-c", HOLD_CLUSTER], env=_env(ray_tmp), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        address = cluster.stdout.readline().strip()
        assert address, "the test's Ray cluster did not start"
        run = subprocess.run([sys.executable, "-m", "align", *common, "--out", str(tmp_path / "cluster"),
                              "--engine", "ray", "--address", address],
                             env=_env(ray_tmp), capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        assert cluster.poll() is None, "connecting to a cluster must not stop it"
    finally:
        cluster.communicate("", timeout=60)
    assert _wait_until_gone(ray_tmp) == []
    _assert_same_outputs(tmp_path / "local", tmp_path / "cluster")

    # no address: the batch starts a local Ray and stops it at the end
    run = subprocess.run([sys.executable, "-m", "align", *common, "--out", str(tmp_path / "started"),
                          "--engine", "ray", "--workers", "2"],
                         env=_env(ray_tmp), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert _wait_until_gone(ray_tmp) == []
    _assert_same_outputs(tmp_path / "local", tmp_path / "started")
    assert not _leftovers(tmp_path)


def test_address_without_ray_engine_is_refused(tmp_path, capsys):
    manifest = _corpus(tmp_path)
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out"), "--address", "127.0.0.1:6379"]) == 2
    assert "--engine ray" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_sigint_and_sigterm_stop_a_ray_batch_and_the_rerun_finishes_only_the_rest(tmp_path, ray_tmp):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(4):
        bible_chapters([f"Gen:{n + 1}"], docs, f"gen{n}")
    out = tmp_path / "out"
    # a cache of its own, so encoding is cold and documents are still running when signalled
    env = {**_env(ray_tmp), "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "align", "batch", str(docs), "--out", str(out), "--engine", "ray",
               "--workers", "2"]

    # every Ray process of the batch (the Ray it started, the actors) counts as a worker
    interrupt_then_resume(command, env, out, tmp_path, 4, workers=lambda proc: _ray_processes(ray_tmp),
                          stop_within=20.0, gone_within=20.0)
