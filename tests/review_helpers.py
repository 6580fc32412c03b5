"""Shared pieces for the review tests: run folders built from real seed sentences, and a
real uvicorn server in a subprocess."""
from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import httpx

from align.fileio import write_jsonl
from align.model import Flag, Link
from align.text.ingest import read_text

REPO = Path(__file__).resolve().parent.parent
ZH_SEED = REPO / "seeds" / "003_61e2e90163225e43.txt"
EN_SEED = REPO / "seeds" / "000_1deec09b464cf72e.txt"
# The CLI of the interpreter running the tests, wherever align is installed.
ALIGN = [sys.executable, "-m", "align"]


@lru_cache(maxsize=1)
def seed_sentences() -> tuple[list[str], list[str]]:
    """The seed pair's sentences, split on final punctuation (enough for review fixtures)."""
    zh = re.sub(r"\s+", "", read_text(ZH_SEED)[0])
    en = re.sub(r"\s+", " ", read_text(EN_SEED)[0])
    zh_sents = [s for s in re.split(r"(?<=[。！？])", zh) if s]
    en_sents = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", en) if s.strip()]
    return zh_sents[1:], en_sents[1:]  # the first "sentence" runs the headings together


def seed_links(count: int = 10) -> list[Link]:
    """``count`` 1:1 links over consecutive seed sentences, then one 2:1 link."""
    zh, en = seed_sentences()
    links = [Link(i, (i,), (i,), zh[i], en[i], 0.6) for i in range(count)]
    links.append(Link.of_sentences(count, [(count, zh[count]), (count + 1, zh[count + 1])], [(count, en[count])], 0.5))
    return links


def flags_for(links: list[Link]) -> list[Flag]:
    """Flags on real text: digits in one side only, and the first word of every link."""
    flags = []
    for link in links:
        if link.zh and link.en:
            flags.append(
                Flag(link.index, "alignment.review_me", "warning", link.zh, link.en,
                     "constructed flag on the first characters", (0, 4), (0, link.en.find(" ")))
            )
        for number in re.findall(r"\d+", link.zh):
            if number not in link.en:
                start = link.zh.find(number)
                flags.append(
                    Flag(link.index, "number.mismatch", "error", link.zh, link.en,
                         f"{number} is not in the English", (start, start + len(number)), None,
                         {"zh_number": number})
                )
    return flags


def write_run(folder: Path, links: list[Link], flags: list[Flag] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "pairs.jsonl", (link.to_json() for link in links))
    write_jsonl(folder / "flags.jsonl", (f.to_json() for f in (flags_for(links) if flags is None else flags)))
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def review_server(run_dir: Path, *extra: str, host: str = "127.0.0.1"):
    """``align review RUN_DIR`` in a subprocess; yields (base URL, process)."""
    port = free_port()
    proc = subprocess.Popen(
        [*ALIGN, "review", str(run_dir), "--port", str(port), "--host", host, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"align review exited: {proc.stderr.read()}")
            with contextlib.suppress(httpx.TransportError):
                httpx.get(base + "/", timeout=1)
                break
            if time.monotonic() > deadline:
                raise RuntimeError("align review did not start in 30 s")
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class ReviewClient:
    """A browser-like HTTP client: session cookie, CSRF token from the page, a reviewer name."""

    def __init__(self, base: str, name: str | None = None, **client_options):
        self.http = httpx.Client(base_url=base, timeout=30, **client_options)
        self.csrf = csrf_of(self.http.get("/").text)
        if name:
            assert self.post("/reviewer", name=name).status_code == 303

    def post(self, path: str, **fields) -> httpx.Response:
        return self.http.post(path, data={"csrf": self.csrf, **fields})

    def close(self) -> None:
        self.http.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)
