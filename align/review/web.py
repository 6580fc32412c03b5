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
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

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
    advance: bool = True  # after a decision show the next open flag (each browser may change it)
    model: str | None = None  # encoder that re-scores hand-fixed links (None: the default)
    host: str = "127.0.0.1"  # the address the app was asked to bind: a Host header it accepts


class FormError(HTTPException):
    """A request the reviewer can put right: shown on the page the form came from, next to
    the form named ``form`` (e.g. "reviewer", "dismiss", "split")."""

    def __init__(self, message: str, form: str | None = None, status: int = 400):
        super().__init__(status, message)
        self.form = form


@dataclass(frozen=True)
class Problem:
    """What went wrong with the last form, as the page shows it."""

    message: str
    form: str | None = None


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
        raise FormError(
            "Set your reviewer name first (top right): nothing was recorded.", form="reviewer"
        )
    return name


def flag_item(doc_no: int, position: int, workspace: Annotated[Workspace, Depends(get_workspace)]) -> QueueItem:
    """The flag a /flag/{doc_no}/{position} URL names."""
    item = workspace.item(doc_no, position)
    if item is None:
        doc = workspace.doc(doc_no)
        where = (
            f"document {doc.name} has {len(doc.flags)} flags, numbered from 0" if doc
            else f"this run has {len(workspace.docs)} document(s), numbered from 0"
        )
        raise HTTPException(404, f"There is no flag {position} in document {doc_no}: {where}.")
    return item


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
DeskDep = Annotated[GlossaryDesk, Depends(get_desk)]
ReviewerDep = Annotated[str, Depends(reviewer)]
ItemDep = Annotated[QueueItem, Depends(flag_item)]
POST = {"dependencies": [Depends(security.checked_post)]}


FLASH_COOKIE = "align_flash"
ADVANCE_COOKIE = "align_advance"


def wants_advance(request: Request) -> bool:
    """Whether a decision moves on to the next open flag: this browser's choice, else the app's."""
    chosen = request.cookies.get(ADVANCE_COOKIE)
    return request.app.state.settings.advance if chosen not in ("0", "1") else chosen == "1"


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """A page of the app; shows (and clears) the message the previous redirect left."""
    flash = _read_flash(request.cookies.get(FLASH_COOKIE))
    context.setdefault("problem", None)
    context.update(
        csrf=security.page_csrf(request),
        nonce=request.state.nonce,
        reviewer=current_reviewer(request),
        run_name=request.app.state.workspace.run_dir.name,
        path=request.url.path,
        back_path=context.get("back_path") or (request.url.path if request.method == "GET" else "/"),
        flash=flash,
    )
    response = HTMLResponse(templates.get_template(template).render(**context), status)
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def with_flash(response: Response, message: str, url: str | None = None) -> Response:
    """Leave a one-line message (and a link back, e.g. to the flag just decided) for the
    page this redirect leads to."""
    value = json.dumps({"text": message, "url": url}, ensure_ascii=False)
    response.set_cookie(FLASH_COOKIE, security.encode_cookie(value), httponly=True, samesite="strict")
    return response


def _read_flash(value: str | None) -> dict | None:
    try:
        flash = json.loads(security.decode_text(value) or "null")
    except ValueError:
        return None
    if not isinstance(flash, dict) or not isinstance(flash.get("text"), str):
        return None
    url = flash.get("url")
    return {"text": flash["text"], "url": url if isinstance(url, str) and url.startswith("/flag/") else None}


def redisplay_with(request: Request, show) -> None:
    """Make a form's errors re-show its page: ``show(problem)`` renders that page."""
    request.state.redisplay = show


ERROR_TITLES = {
    400: "That did not work", 401: "Access token needed", 403: "Refused", 404: "Not found",
    405: "Not a page", 422: "That did not work", 500: "Something went wrong",
}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A full HTML page with the message: the browser never shows raw JSON."""
    if not hasattr(request.state, "nonce"):  # a crash outside the security middleware
        return HTMLResponse(f"<!doctype html><title>align review</title><h1>{ERROR_TITLES[500]}</h1>", status)
    return render(request, "error.html", status, title=ERROR_TITLES.get(status, "Error"), message=message)


async def show_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 404 and message == "Not Found":
        message = f"There is no page at {request.url.path} in this review app."
    elif exc.status_code == 405:
        message = "This address takes the review pages' forms, not a visit: go back and use the buttons."
    redisplay = getattr(request.state, "redisplay", None)
    if redisplay is not None and exc.status_code == 400:
        problem = Problem(message[:1].upper() + message[1:], getattr(exc, "form", None))
        return await run_in_threadpool(redisplay, problem)
    return error_page(request, exc.status_code, message[:1].upper() + message[1:])


async def show_invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """Path parts that are not numbers name no flag (404); bad form fields are the form's error."""
    errors = exc.errors()
    if any(e.get("loc", ("",))[0] == "path" for e in errors):
        return await show_http_error(request, StarletteHTTPException(404, "Not Found"))
    fields = ", ".join(
        f"{e['loc'][-1]} ({'missing' if e.get('type') == 'missing' else 'not a valid value'})"
        for e in errors
    )
    return await show_http_error(request, FormError(f"The form was incomplete or wrong: {fields}."))


async def show_crash(request: Request, exc: Exception) -> Response:
    return error_page(request, 500, f"The app could not answer ({type(exc).__name__}: {exc}).")


def install_error_pages(app) -> None:
    app.add_exception_handler(StarletteHTTPException, show_http_error)
    app.add_exception_handler(RequestValidationError, show_invalid_request)
    app.add_exception_handler(Exception, show_crash)


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
