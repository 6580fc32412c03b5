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
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing summary line.")


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        zh: Path = typer.Argument(..., help="The Chinese file (.txt, .docx, …)."),
        en: Path = typer.Argument(..., help="The English file."),
        glossary: list[Path] | None = GLOSSARY,
        out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/<ZH file name>)."),
        model: str | None = MODEL,
        select: list[str] | None = SELECT,
        ignore: list[str] | None = IGNORE,
        config: Path | None = CONFIG,
        option: list[str] | None = OPTION,
        fail_on: FailOn | None = FAIL_ON,
        presegmented: bool = PRESEGMENTED,
        quiet: bool = QUIET,
    ) -> None:
        """Align ZH with EN, run every check, write pairs.jsonl, flags.jsonl, report.html,
        report.xlsx, pairs.tmx and summary.json to --out."""
        from align.pipeline import run_check
        from align.progress import Progress
        from align.report import OUTPUT_FILES, write_run

        settings = check_settings(config, split_codes(select), split_codes(ignore), option)
        out_dir = out or Path("out") / zh.stem
        run = run_check(
            zh,
            en,
            glossaries=glossary or (),
            model=model,
            presegmented=presegmented,
            quiet=quiet,
            **settings,
        )
        with Progress(quiet) as progress, progress.stage("write report", total=len(OUTPUT_FILES)):
            write_run(run, out_dir)
        summary = run.summary
        if not quiet:
            severities = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items())
            typer.echo(
                f"{summary['links']} links, {summary['flags']} flags ({severities}) "
                f"→ {out_dir / 'report.html'}"
            )
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
