"""What every review view shares: the settings, the workspace and the glossary desk as
FastAPI dependencies, the reviewer's name, and page rendering.

Views stay thin: they read a request, call the workspace (or the desk) and render a
template or redirect; nothing here knows about a particular screen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader

from align.review import security
from align.review.carryover import QueueItem
from align.review.glossary_screen import GlossaryDesk
from align.review.workspace import QUEUE_FILTERS, Workspace

templates = Environment(loader=PackageLoader("align.review", "templates"), autoescape=True)
templates.filters["plain"] = lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
templates.filters["when"] = lambda at: (at or "")[:19].replace("T", " ") + (" UTC" if at else "")


@dataclass
class Settings:
    run_dir: Path
    db_path: Path | None = None
    token: str | None = None  # required from every browser when set
    glossary: Path | None = None  # where approved entries go
    suggestions: Path | None = None  # `align glossary suggest` CSV


def get_workspace(request: Request) -> Workspace:
    """The run and its review database, re-read if `align check` rewrote the run since."""
    workspace = request.app.state.workspace
    workspace.refresh()
    return workspace


def get_desk(request: Request) -> GlossaryDesk:
    return request.app.state.desk


def current_reviewer(request: Request) -> str | None:
    return security.decode_cookie(request.cookies.get(security.REVIEWER_COOKIE))


def reviewer(request: Request) -> str:
    """The name every recorded action carries; set once per browser."""
    name = current_reviewer(request)
    if not name:
        raise HTTPException(400, "set your reviewer name first (top of the page)")
    return name


def flag_item(doc_no: int, position: int, workspace: Annotated[Workspace, Depends(get_workspace)]) -> QueueItem:
    """The flag a /flag/{doc_no}/{position} URL names."""
    item = workspace.item(doc_no, position)
    if item is None:
        raise HTTPException(404, "no such flag in this run")
    return item


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
DeskDep = Annotated[GlossaryDesk, Depends(get_desk)]
ReviewerDep = Annotated[str, Depends(reviewer)]
ItemDep = Annotated[QueueItem, Depends(flag_item)]
POST = {"dependencies": [Depends(security.checked_post)]}


def render(request: Request, template: str, **context) -> HTMLResponse:
    context.update(
        csrf=security.page_csrf(request),
        nonce=request.state.nonce,
        reviewer=current_reviewer(request),
        run_name=request.app.state.workspace.run_dir.name,
        path=request.url.path,
    )
    return HTMLResponse(templates.get_template(template).render(**context))


def queue_filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k) or "" for k in QUEUE_FILTERS}


def doc_numbers(workspace: Workspace) -> dict[int, int]:
    return {id(d): n for n, d in enumerate(workspace.docs)}


def flag_url(item: QueueItem, numbers: dict[int, int], filters: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"/flag/{numbers[id(item.doc)]}/{item.position}" + (f"?{query}" if query else "")


def back_to(doc_no: int, position: int, back: str) -> RedirectResponse:
    """After a POST on the pair view: the same flag, with the queue filters it came with."""
    query = urlencode([(k, v) for k, v in parse_qsl(back) if k in QUEUE_FILTERS and v])
    return RedirectResponse(f"/flag/{doc_no}/{position}" + (f"?{query}" if query else ""), 303)
