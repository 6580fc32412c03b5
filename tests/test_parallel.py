"""Two processes for one run (``align.parallel``): work done in a forked child comes back
whole, errors come back as errors, a child is never left running, and the checks and the
report split over two processes give exactly what one process gives (seed pair, real
encoder, seed glossary)."""
from __future__ import annotations

import os
import signal
import time

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, ZH_SEED
from typer.testing import CliRunner

from align.parallel import alongside, usable_jobs


def test_alongside_runs_the_work_in_another_process_and_returns_it():
    with alongside(lambda: (os.getpid(), [("zh", 1)] * 3)) as child:
        here = os.getpid()
        pid, value = child.result()
    assert pid != here
    assert value == [("zh", 1)] * 3


def test_alongside_disabled_runs_the_work_here_when_asked():
    with alongside(os.getpid, enabled=False) as job:
        assert job.result() == os.getpid()


def test_an_error_in_the_child_is_raised_in_the_parent():
    def fails():
        raise KeyError("missing table")

    with alongside(fails) as child, pytest.raises(KeyError, match="missing table"):
        child.result()


def test_leaving_early_kills_the_child():
    with pytest.raises(RuntimeError), alongside(lambda: time.sleep(60)) as child:
        pid = child._pid
        raise RuntimeError("the parent's own work failed")
    with pytest.raises(ProcessLookupError):  # killed and reaped: no such process any more
        os.kill(pid, 0)


def test_a_child_killed_from_outside_is_redone_here():
    parent = os.getpid()

    def slow_in_the_child() -> int:
        if os.getpid() != parent:
            time.sleep(60)
        return os.getpid()

    with alongside(slow_in_the_child) as child:
        os.kill(child._pid, signal.SIGKILL)
        assert child.result() == os.getpid()


def test_usable_jobs():
    assert usable_jobs(1) == 1
    assert usable_jobs(2) == 2
    assert usable_jobs(None) in (1, 2)
    with pytest.raises(ValueError):
        usable_jobs(3)


@pytest.fixture(scope="module")
def seed_context(encoder):
    from align.aligner.sentences import align_documents
    from align.checks import CheckContext
    from align.glossary.files import load_glossaries
    from align.text.segment import load_document
    from align.wordalign import link_alignments

    zh, en = load_document(ZH_SEED, "zh"), load_document(EN_SEED, "en")
    glossary = load_glossaries([SEED_GLOSSARY])
    links = align_documents(zh, en, encoder)

    def context():  # a fresh context: no memo left from the other run
        ctx = CheckContext(links, zh, en, glossary=glossary, encoder=encoder)
        link_alignments(ctx)
        return ctx

    return context


def test_checks_over_two_processes_raise_the_same_flags_in_the_same_order(seed_context):
    from align.checks import run_checks
    from align.checks.registry import REGISTRY, forkable

    one = [f.to_json() for f in run_checks(seed_context(), jobs=1)]
    two = [f.to_json() for f in run_checks(seed_context(), jobs=2)]
    assert one == two
    assert len({f["check"] for f in one}) >= 5
    moved = forkable(list(REGISTRY.values()))
    assert moved and all(info.scope == "pair" for info in moved)
    assert not {info.name for info in moved} & {"omission.partial", "omission.addition"}  # the encoder's


def test_report_written_over_two_processes_is_the_same(seed_context, tmp_path):
    from openpyxl import load_workbook

    from align.checks import run_checks
    from align.pipeline import CheckRun
    from align.report import write_run
    from align.summary import build_summary

    ctx = seed_context()
    flags = run_checks(ctx)
    summary = build_summary(ctx.zh_doc, ctx.en_doc, ctx.links, flags, model="use", timings={"checks": 1.0})
    run = CheckRun(ctx.zh_doc, ctx.en_doc, list(ctx.links), flags, summary)
    for jobs in (1, 2):
        write_run(run, tmp_path / str(jobs), jobs=jobs)
    for name in ("pairs.jsonl", "flags.jsonl", "report.html", "pairs.tmx"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    books = [load_workbook(tmp_path / str(jobs) / "report.xlsx", read_only=True) for jobs in (1, 2)]
    for sheet in ("pairs", "flags"):
        rows = [[tuple(c.value for c in row) for row in book[sheet].iter_rows()] for book in books]
        assert rows[0] == rows[1] and len(rows[0]) > 1


def test_cli_refuses_jobs_it_cannot_use(tmp_path):
    from align.cli import app

    result = CliRunner().invoke(app, ["check", str(ZH_SEED), str(EN_SEED), "--jobs", "3", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--jobs" in result.output
