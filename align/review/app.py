"""The review web app: a queue of flags, a pair view with actions, a glossary screen.

Plain server-rendered HTML (Jinja2, autoescaped) and a little inline JavaScript for
keyboard shortcuts; no build step, nothing loaded from elsewhere. Every state change is a
POST carrying a CSRF token, recorded in the review database with the reviewer's name.
Documents are addressed by number within the run, so no request names a file.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader

from align.report.highlight import mark_spans
from align.review import security
from align.review.carryover import QueueItem
from align.review.db import STATUS_ACTIONS
from align.review.fixes import FixError, link_sentences, locate, merge_fix, split_fix, untranslated_fix
from align.review.glossary_screen import GlossaryDesk
from align.review.workspace import QUEUE_FILTERS, Workspace

DISMISS_REASONS = ("false alarm", "acceptable variant", "intended difference", "wrong alignment", "other")
CONTEXT_LINKS = 2  # neighbouring links shown on each side of the flagged one

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


def create_app(settings: Settings) -> FastAPI:
    workspace = Workspace(settings.run_dir, settings.db_path)
    desk = GlossaryDesk(workspace.db, settings.glossary, settings.suggestions)
    secret = secrets.token_bytes(32)
    app = FastAPI(title="align review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workspace = workspace

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if settings.token:
            given = request.query_params.get("token")
            if security.same_secret(given, settings.token):
                query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), 303)
                response.set_cookie(security.TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
                return response
            if not security.same_secret(request.cookies.get(security.TOKEN_COOKIE), settings.token):
                return PlainTextResponse("align review: open the URL with ?token=… printed at start", 401)
        session = request.cookies.get(security.SESSION_COOKIE)
        request.state.session = session or security.new_session()
        request.state.nonce = secrets.token_urlsafe(16)
        response = await call_next(request)
        if not session:
            response.set_cookie(
                security.SESSION_COOKIE, request.state.session, httponly=True, samesite="strict"
            )
        response.headers["Content-Security-Policy"] = security.CONTENT_SECURITY_POLICY.format(
            nonce=request.state.nonce
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    async def checked_post(request: Request) -> None:
        """Every state change: a same-origin POST with this browser's CSRF token."""
        form = await request.form()
        session = request.cookies.get(security.SESSION_COOKIE)
        expected = security.csrf_token(secret, session) if session else None
        if not expected or not security.same_secret(form.get("csrf"), expected):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page")
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
            raise HTTPException(403, "cross-origin request refused")

    def reviewer(request: Request) -> str:
        name = security.decode_cookie(request.cookies.get(security.REVIEWER_COOKIE))
        if not name:
            raise HTTPException(400, "set your reviewer name first (top of the page)")
        return name

    def render(request: Request, template: str, **context) -> HTMLResponse:
        context.update(
            csrf=security.csrf_token(secret, request.state.session),
            nonce=request.state.nonce,
            reviewer=security.decode_cookie(request.cookies.get(security.REVIEWER_COOKIE)),
            run_name=workspace.run_dir.name,
            path=request.url.path,
        )
        return HTMLResponse(templates.get_template(template).render(**context))

    def find_item(doc_no: int, position: int) -> QueueItem:
        workspace.refresh()
        for item in workspace.queue():
            if item.doc is workspace.doc(doc_no) and item.position == position:
                return item
        raise HTTPException(404, "no such flag in this run")

    def back_to(doc_no: int, position: int, back: str) -> RedirectResponse:
        query = urlencode([(k, v) for k, v in parse_qsl(back) if k in QUEUE_FILTERS and v])
        return RedirectResponse(f"/flag/{doc_no}/{position}" + (f"?{query}" if query else ""), 303)

    post = {"dependencies": [Depends(checked_post)]}

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request) -> HTMLResponse:
        workspace.refresh()
        filters = {k: request.query_params.get(k) or "" for k in QUEUE_FILTERS}
        items = workspace.queue(**filters)
        everything = workspace.queue()
        numbers = {id(d): n for n, d in enumerate(workspace.docs)}
        return render(
            request,
            "queue.html",
            rows=[(_flag_url(item, numbers, filters), item) for item in items],
            filters=filters,
            docs=list(enumerate(workspace.docs)),
            checks=sorted({i.flag.check for i in everything}),
            statuses=sorted(set(STATUS_ACTIONS.values())),
            counts={s: sum(i.state.status == s for i in everything) for s in STATUS_ACTIONS.values()},
            total=len(everything),
            lapsed=len(workspace.lapsed()),
        )

    @app.get("/flag/{doc_no}/{position}", response_class=HTMLResponse)
    def pair_page(request: Request, doc_no: int, position: int) -> HTMLResponse:
        item = find_item(doc_no, position)
        filters = {k: request.query_params.get(k) or "" for k in QUEUE_FILTERS}
        everything = workspace.queue()
        shown = workspace.queue(**filters)
        rank = {(id(i.doc), i.position): n for n, i in enumerate(everything)}
        here = rank[(id(item.doc), item.position)]
        before = [i for i in shown if rank[(id(i.doc), i.position)] < here]
        after = [i for i in shown if rank[(id(i.doc), i.position)] > here]
        numbers = {id(d): n for n, d in enumerate(workspace.docs)}
        links = workspace.current_links(item.doc)
        base = {link.index: link for link in item.doc.links}[item.flag.link]
        focus = locate(links, base) or 0
        try:
            sentences = {lang: link_sentences(links[focus], lang) for lang in ("zh", "en")}
        except FixError:
            sentences = None
        return render(
            request,
            "pair.html",
            item=item,
            doc_no=doc_no,
            zh_html=mark_spans(item.flag.zh, [item.flag], "zh"),
            en_html=mark_spans(item.flag.en, [item.flag], "en"),
            history=workspace.db.flag_history(item.flag.id),
            context=links[max(0, focus - CONTEXT_LINKS): focus + CONTEXT_LINKS + 1],
            focus=links[focus],
            last_link=len(links) - 1,
            sentences=sentences,
            prev_url=_flag_url(before[-1], numbers, filters) if before else None,
            next_url=_flag_url(after[0], numbers, filters) if after else None,
            rank=len(before) + 1,
            shown=len(shown),
            back=urlencode({k: v for k, v in filters.items() if v}),
            reasons=DISMISS_REASONS,
            span_text={
                side: getattr(item.flag, side)[slice(*span)] if span else ""
                for side, span in (("zh", item.flag.zh_span), ("en", item.flag.en_span))
            },
        )

    @app.post("/flag/{doc_no}/{position}/decide", **post)
    def decide(
        doc_no: int,
        position: int,
        action: str = Form(...),
        reason: str = Form(""),
        note: str = Form(""),
        back: str = Form(""),
        name: str = Depends(reviewer),
    ) -> Response:
        if action not in STATUS_ACTIONS:
            raise HTTPException(400, f"unknown action {action!r}")
        if action == "dismiss" and not (reason.strip() or note.strip()):
            raise HTTPException(400, "a dismissal needs a reason")
        item = find_item(doc_no, position)
        workspace.db.add_flag_event(
            item.flag.id, action, name, run_id=workspace.run_id(item.doc),
            reason=(reason.strip() + (f": {note.strip()}" if note.strip() else "")) or None,
            doc=item.doc.key, link=item.flag.link,
        )
        return back_to(doc_no, position, back)

    @app.post("/flag/{doc_no}/{position}/comment", **post)
    def comment(
        doc_no: int, position: int, text: str = Form(...), back: str = Form(""),
        name: str = Depends(reviewer),
    ) -> Response:
        if not text.strip():
            raise HTTPException(400, "empty comment")
        item = find_item(doc_no, position)
        workspace.db.add_flag_event(
            item.flag.id, "comment", name, run_id=workspace.run_id(item.doc),
            comment=text.strip(), doc=item.doc.key, link=item.flag.link,
        )
        return back_to(doc_no, position, back)

    @app.post("/flag/{doc_no}/{position}/align", **post)
    def fix_alignment(
        doc_no: int,
        position: int,
        action: str = Form(...),
        link: int = Form(...),
        zh_keep: int = Form(0),
        en_keep: int = Form(0),
        target: str = Form("zh:0"),  # untranslated: "<lang>:<sentence within the link>"
        back: str = Form(""),
        name: str = Depends(reviewer),
    ) -> Response:
        item = find_item(doc_no, position)
        links = workspace.current_links(item.doc)
        if not 0 <= link < len(links):
            raise HTTPException(400, f"no link {link}")
        try:
            if action == "merge":
                fix = merge_fix(links, link)
            elif action == "split":
                fix = split_fix(links[link], link, zh_keep, en_keep)
            elif action == "untranslated":
                lang, _, sentence = target.partition(":")
                fix = untranslated_fix(links[link], link, lang, int(sentence or 0))
            else:
                raise HTTPException(400, f"unknown alignment fix {action!r}")
        except ValueError as exc:  # FixError included
            raise HTTPException(400, str(exc)) from exc
        workspace.db.add_link_fix(item.doc.key, fix.action, fix.params, name)
        return back_to(doc_no, position, back)

    @app.post("/flag/{doc_no}/{position}/propose", **post)
    def propose(
        doc_no: int, position: int, zh: str = Form(...), en: str = Form(...),
        note: str = Form(""), back: str = Form(""), name: str = Depends(reviewer),
    ) -> Response:
        if not (zh.strip() and en.strip()):
            raise HTTPException(400, "a glossary entry needs both zh and en")
        item = find_item(doc_no, position)
        workspace.db.add_term_proposal(
            zh.strip(), en.strip(), name, note=note.strip(), doc=item.doc.key,
            link=item.flag.link, flag_id=item.flag.id,
        )
        return back_to(doc_no, position, back)

    @app.get("/glossary", response_class=HTMLResponse)
    def glossary_page(request: Request) -> HTMLResponse:
        return render(request, "glossary.html", desk=desk, proposals=desk.proposals(),
                      candidates=desk.candidates())

    @app.post("/glossary/decide", **post)
    def glossary_decide(
        action: str = Form(...), proposal: int | None = Form(None), zh: str = Form(""),
        en: str = Form(""), note: str = Form(""), name: str = Depends(reviewer),
    ) -> Response:
        try:
            if proposal is None:
                proposal = desk.adopt_candidate(zh, en, note, name)
            desk.decide(proposal, action, name)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc
        return RedirectResponse("/glossary", 303)

    @app.post("/reviewer", **post)
    def set_reviewer(name: str = Form(...), back: str = Form("/")) -> Response:
        clean = security.clean_reviewer_name(name)
        if not clean:
            raise HTTPException(400, f"a reviewer name has 1–{security.MAX_NAME} characters")
        target = back if back.startswith("/") and not back.startswith(("//", "/\\")) else "/"
        response = RedirectResponse(target, 303)
        response.set_cookie(
            security.REVIEWER_COOKIE, security.encode_cookie(clean), max_age=security.YEAR,
            httponly=True, samesite="strict",
        )
        return response

    return app


def _flag_url(item: QueueItem, numbers: dict[int, int], filters: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"/flag/{numbers[id(item.doc)]}/{item.position}" + (f"?{query}" if query else "")
