"""`align bench pipeline`: end-to-end seconds and peak memory of `align check`, by stage.

Each case runs `align check` in a fresh subprocess (so peak RSS is that run's alone, read
with ``os.wait4``), first with an empty embedding cache (a first run), then again with the
cache that run filled (an unchanged document checked again). Stage timings come from the
run's own ``summary.json``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

STAGES = ("read", "glossary", "model", "embed", "align", "word-align", "checks", "report")


@dataclass(frozen=True)
class Case:
    name: str
    zh: Path
    en: Path
    args: tuple[str, ...] = ()


def default_cases(repo: Path, shared: Path) -> list[Case]:
    bible = shared / "bench" / "bible-zh-en"
    return [
        Case(
            "seed pair",
            repo / "seeds" / "003_61e2e90163225e43.txt",
            repo / "seeds" / "000_1deec09b464cf72e.txt",
            ("--glossary", str(repo / "glossaries" / "seed.csv")),
        ),
        Case("Bible dev pair (presegmented)", bible / "zh.txt", bible / "en.txt", ("--presegmented",)),
    ]


def run_once(case: Case, out: Path, cache_dir: Path) -> dict:
    """One `align check` subprocess: wall seconds, peak RSS (MB) and its summary.json."""
    argv = [sys.executable, "-m", "align", "check", str(case.zh), str(case.en), *case.args,
            "--out", str(out), "--quiet"]
    env = {**os.environ, "ALIGN_CACHE_DIR": str(cache_dir)}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"align check failed on {case.name}: {stderr.strip()}")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    return {"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "summary": summary}


def run_benchmark(cases: list[Case]) -> str:
    """A Markdown table: one row per case and cache state."""
    header = ["case", "cache", "sentences zh / en", "links", "flags", *STAGES, "total", "wall", "peak RSS"]
    lines = ["| " + " | ".join(header) + " |", "| --- | --- | " + " | ".join(["---:"] * (len(header) - 2)) + " |"]
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="align-bench-") as tmp:
            for cache in ("cold", "warm"):
                result = run_once(case, Path(tmp) / cache, Path(tmp) / "cache")
                s = result["summary"]
                timings = s["timings"]
                cells = [
                    case.name,
                    cache,
                    f"{s['zh']['segments']:,} / {s['en']['segments']:,}",
                    f"{s['links']:,}",
                    f"{s['flags']:,}",
                    *(f"{timings[st]:.2f} s" if st in timings else "–" for st in STAGES),
                    f"{timings['total'] + timings['report']:.1f} s",
                    f"{result['wall']:.1f} s",
                    f"{result['peak_mb']:.0f} MB",
                ]
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
