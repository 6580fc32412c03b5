"""`align check ZH EN`: the main job, from two files to the six report files."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from align.commands import SHARED, bench_app
from align.model import SEVERITIES


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


def split_codes(values: list[str] | None) -> list[str]:
    """``--select a,b --select c`` → ``["a", "b", "c"]``."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def fails(by_severity: dict[str, int], fail_on: FailOn | None) -> bool:
    """True when a flag at ``fail_on`` severity or worse exists."""
    if fail_on is None:
        return False
    worst_allowed = SEVERITIES.index(fail_on.value)
    return any(by_severity.get(s, 0) for s in SEVERITIES[: worst_allowed + 1])


def check_settings(config: Path | None, select: list[str], ignore: list[str],
                   options: list[str] | None = None) -> dict:
    """Check selection and options: the config file, overridden by the command line
    (``--select``/``--ignore`` replace the file's lists, ``--option`` sets single keys).

    Codes and keys from the command line are validated like the file's, so a typo is an error."""
    from align.config import load_config, merge_options, validate_config

    settings = validate_config({"select": select, "ignore": ignore}, "--select/--ignore")
    if config is not None:
        loaded = load_config(config)
        settings["options"] = loaded["options"]
        settings["select"] = select or loaded["select"]
        settings["ignore"] = ignore or loaded["ignore"]
    return merge_options(settings, options or [])


# Options shared with `align batch`, declared once.
GLOSSARY = typer.Option(None, "--glossary", "-g", help="Glossary file (CSV or TBX); repeat for several.")
MODEL = typer.Option(None, "--model", help="Embedding model: 'use' (default) or a sentence-transformers folder.")
SELECT = typer.Option(None, "--select", help="Only these check codes or categories (comma-separated, repeatable).")
IGNORE = typer.Option(None, "--ignore", help="Skip these check codes or categories (comma-separated, repeatable).")
CONFIG = typer.Option(None, "--config", help="Config file with select / ignore / per-check options.")
OPTION = typer.Option(None, "--option", help="CODE.KEY=VALUE: one check setting, over the config file "
                      "(omission.low_confidence.ratio=0.5, number.mismatch.severity=warning); repeatable. "
                      "`align checks list` shows every key.")
FAIL_ON = typer.Option(None, "--fail-on", help="Exit 1 when a flag of this severity (or worse) exists.")
PRESEGMENTED = typer.Option(
    False, "--presegmented", help="Inputs have one sentence per line: no cleaning, no re-splitting."
)
JOBS = typer.Option(None, "--jobs", "-j", min=1, max=2,
                    help="Processes for the check and report stages: 2 runs part of them in a "
                    "forked copy of the run (default: 2 when this process may use two cores, else 1).")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing summary line.")
CACHE_DIR = typer.Option(None, "--cache-dir", help="Embedding cache folder (default $ALIGN_CACHE_DIR, "
                         "else ~/.cache/align).")


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        zh: Path = typer.Argument(..., help="The Chinese file (.txt, .docx, …), or one bilingual file "
                                  "(.xlf/.xliff/.sdlxliff/.mqxliff, .tmx, .po, .csv, .xlsx) checked unit by unit."),
        en: Path | None = typer.Argument(None, help="The English file (none for a bilingual file)."),
        glossary: list[Path] | None = GLOSSARY,
        out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/<ZH file name>)."),
        model: str | None = MODEL,
        cache_dir: Path | None = CACHE_DIR,
        select: list[str] | None = SELECT,
        ignore: list[str] | None = IGNORE,
        config: Path | None = CONFIG,
        option: list[str] | None = OPTION,
        fail_on: FailOn | None = FAIL_ON,
        presegmented: bool = PRESEGMENTED,
        jobs: int | None = JOBS,
        quiet: bool = QUIET,
    ) -> None:
        """Align ZH with EN (or read the units of one bilingual FILE), run every check, write
        pairs.jsonl, flags.jsonl, report.html, report.xlsx, pairs.tmx and summary.json to --out
        (and, for an XLIFF, an annotated copy with each flag as a <note> on its unit)."""
        from align.errors import AlignError
        from align.formats import BILINGUAL_SUFFIXES, is_bilingual
        from align.parallel import usable_jobs
        from align.progress import Progress
        from align.report import OUTPUT_FILES, write_run
        from align.report.staging import usable_run_folder

        settings = check_settings(config, split_codes(select), split_codes(ignore), option)
        out_dir = out or Path("out") / zh.stem
        usable_run_folder(out_dir)  # a wrong --out fails now, not after the whole run
        jobs = usable_jobs(jobs)
        common = {"glossaries": glossary or (), "model": model, "cache_dir": cache_dir, "quiet": quiet,
                  "jobs": jobs, **settings}
        if en is None:
            if not is_bilingual(zh):
                raise AlignError(f"{zh}: give the English file too, or one bilingual file "
                                 f"({', '.join(BILINGUAL_SUFFIXES)})")
            from align.formats.check import run_bilingual_check

            run, bilingual = run_bilingual_check(zh, **common)
        else:
            from align.pipeline import run_check

            run, bilingual = run_check(zh, en, presegmented=presegmented, **common), None
        with Progress(quiet) as progress, progress.stage("write report", total=len(OUTPUT_FILES)):
            write_run(run, out_dir, bilingual=bilingual, jobs=jobs)
        summary = run.summary
        if not quiet:
            severities = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items())
            what = f"{summary['links']} units" if bilingual else f"{summary['links']} links"
            typer.echo(f"{what}, {summary['flags']} flags ({severities}) → {out_dir / 'report.html'}")
            if bilingual and bilingual.skipped:
                reasons = sorted({s["reason"] for s in bilingual.skipped})
                typer.echo(f"{len(bilingual.skipped)} units not checked ({', '.join(reasons)}); "
                           f"listed in summary.json", err=True)
        if fails(summary["by_severity"], fail_on):
            raise typer.Exit(1)

    @bench_app.command("pipeline")
    def bench_pipeline(
        shared: Path = typer.Option(
            SHARED, "--shared", help="The shared data folder."
        ),
    ) -> None:
        """End-to-end seconds and peak memory of `align check` (seed pair, Bible dev pair), by stage."""
        from align.bench.pipeline import default_cases, run_benchmark

        print(run_benchmark(default_cases(Path(__file__).resolve().parents[2], shared)))

    @bench_app.command("checks")
    def bench_checks(
        shared: Path = typer.Option(
            SHARED, "--shared", help="The shared data folder."
        ),
        sizes: str = typer.Option(
            "1000,2000,5000,10000,20000,50000", "--sizes", help="Document sizes in links, comma-separated."
        ),
    ) -> None:
        """Seconds per link of each check from 1k to 50k links (the Bible pair repeated)."""
        from align.bench.checks import run_benchmark as run_checks_benchmark
        from align.errors import AlignError

        try:
            counts = tuple(int(s) for s in sizes.split(",") if s.strip())
        except ValueError:
            raise AlignError(f"--sizes takes whole numbers separated by commas, not {sizes!r}") from None
        if not counts or min(counts) < 1:
            raise AlignError("--sizes needs at least one size of 1 link or more")
        print(run_checks_benchmark(shared, counts, progress=lambda line: typer.echo(line, err=True)))
