"""CLI commands, one module per pipeline area.

Each module exposes ``register(app)`` that adds its commands (or sub-groups) to the root
app; benchmark commands attach themselves to ``bench_app`` (``align bench NAME``).
Heavy imports (torch, sentence-transformers, pandas) happen inside command bodies so
that ``align --help`` and light commands stay fast.
"""
from pathlib import Path

import typer

SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # ../shared beside the checkout: bench data

bench_app = typer.Typer(
    no_args_is_help=True,
    help="Benchmarks: accuracy, speed and memory, reported as tables.",
)
