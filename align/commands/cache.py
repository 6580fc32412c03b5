"""`align cache info` / `align cache prune`: what the embedding cache holds, and trimming it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

cache_app = typer.Typer(no_args_is_help=True, help="The embedding cache: what it holds (info) and trimming it (prune).")

CACHE_DIR = typer.Option(None, "--cache-dir", help="Cache folder (default $ALIGN_CACHE_DIR, else ~/.cache/align).")


def _open(cache_dir: Path | None, must_exist: bool = True):
    from align.embed.cache import CACHE_FILE, EmbeddingCache, default_cache_dir
    from align.errors import InputError

    path = (cache_dir or default_cache_dir()) / CACHE_FILE
    if must_exist and not path.exists():
        raise InputError(path, "no embedding cache here (nothing has been encoded with this cache folder)")
    return EmbeddingCache(path)


def _day(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d")


@cache_app.command("info")
def info(cache_dir: Path | None = CACHE_DIR) -> None:
    """The cache file, its size, and per model: vectors, size, first and last day of use."""
    from align.embed.cache import human_size

    cache = _open(cache_dir)
    models = cache.models()
    typer.echo(f"{cache.path}: {human_size(cache.file_bytes())} on disk, "
               f"{sum(m.vectors for m in models)} vectors, {len(models)} model(s)")
    for m in models:
        typer.echo(f"  {m.model}: {m.vectors} vectors, {human_size(m.bytes)}, "
                   f"used {_day(m.oldest_use)} .. {_day(m.newest_use)}")
    cache.close()


@cache_app.command("prune")
def prune(
    model: str | None = typer.Option(None, "--model", help="Remove every vector of this model id (`info` lists them)."),
    older_than: float | None = typer.Option(None, "--older-than", min=0,
                                               help="Remove vectors not used for this many days."),
    max_size: str | None = typer.Option(None, "--max-size",
                                           help="Then the least recently used, until the vectors fit (500MB, 2GB)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would be removed."),
    cache_dir: Path | None = CACHE_DIR,
) -> None:
    """Remove vectors by model, age or total size, then compact the file.

    Removed vectors are only re-encoded when their text is checked again."""
    from align.embed.cache import human_size, parse_size

    if model is None and older_than is None and max_size is None:
        raise typer.BadParameter("give --model, --older-than and/or --max-size", param_hint="prune")
    try:
        max_bytes = parse_size(max_size) if max_size is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-size") from None
    cache = _open(cache_dir)
    if model is not None and model not in {m.model for m in cache.models()}:
        known = ", ".join(m.model for m in cache.models()) or "none"
        raise typer.BadParameter(f"no vectors of model {model!r} in the cache (models: {known})", param_hint="--model")
    result = cache.prune(model=model, unused_days=older_than, max_bytes=max_bytes, dry_run=dry_run)
    cache.close()
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"{verb} {result.vectors} vectors ({human_size(result.vector_bytes)}); cache file "
               f"{human_size(result.file_bytes_before)} → {human_size(result.file_bytes_after)}")


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
