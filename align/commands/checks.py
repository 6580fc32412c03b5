"""`align checks` commands (being built; see the issue for this area)."""
import typer


def register(app: typer.Typer) -> None:
    pass
