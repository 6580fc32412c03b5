"""The pair view of one flag: both sides highlighted, the alignment around it, and the
decisions (confirm, dismiss, reopen), comments and glossary proposals made from it."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from align.report.highlight import mark_spans
from align.review.db import STATUS_ACTIONS
from align.review.fixes import FixError, link_sentences, locate
from align.review.web import (
    POST, ItemDep, ReviewerDep, WorkspaceDep, back_to, doc_numbers, flag_url, queue_filters, render,
)

DISMISS_REASONS = ("false alarm", "acceptable variant", "intended difference", "wrong alignment", "other")
CONTEXT_LINKS = 2  # neighbouring links shown on each side of the flagged one

router = APIRouter()


@router.get("/flag/{doc_no}/{position}", response_class=HTMLResponse)
def pair_page(request: Request, doc_no: int, item: ItemDep, workspace: WorkspaceDep) -> HTMLResponse:
    filters = queue_filters(request)
    rank = {(id(i.doc), i.position): n for n, i in enumerate(workspace.queue())}
    here = rank[(id(item.doc), item.position)]
    shown = workspace.queue(**filters)
    before = [i for i in shown if rank[(id(i.doc), i.position)] < here]
    after = [i for i in shown if rank[(id(i.doc), i.position)] > here]
    numbers = doc_numbers(workspace)
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
        prev_url=flag_url(before[-1], numbers, filters) if before else None,
        next_url=flag_url(after[0], numbers, filters) if after else None,
        rank=len(before) + 1,
        shown=len(shown),
        back=urlencode({k: v for k, v in filters.items() if v}),
        reasons=DISMISS_REASONS,
        span_text={
            side: getattr(item.flag, side)[slice(*span)] if span else ""
            for side, span in (("zh", item.flag.zh_span), ("en", item.flag.en_span))
        },
    )


@router.post("/flag/{doc_no}/{position}/decide", **POST)
def decide(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, action: str = Form(...),
    reason: str = Form(""), note: str = Form(""), back: str = Form(""),
) -> Response:
    if action not in STATUS_ACTIONS:
        raise HTTPException(400, f"unknown action {action!r}")
    if action == "dismiss" and not (reason.strip() or note.strip()):
        raise HTTPException(400, "a dismissal needs a reason")
    workspace.db.add_flag_event(
        item.flag.id, action, name, run_id=workspace.run_id(item.doc),
        reason=(reason.strip() + (f": {note.strip()}" if note.strip() else "")) or None,
        doc=item.doc.key, link=item.flag.link,
    )
    return back_to(doc_no, item.position, back)


@router.post("/flag/{doc_no}/{position}/comment", **POST)
def comment(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, text: str = Form(...),
    back: str = Form(""),
) -> Response:
    if not text.strip():
        raise HTTPException(400, "empty comment")
    workspace.db.add_flag_event(
        item.flag.id, "comment", name, run_id=workspace.run_id(item.doc),
        comment=text.strip(), doc=item.doc.key, link=item.flag.link,
    )
    return back_to(doc_no, item.position, back)


@router.post("/flag/{doc_no}/{position}/propose", **POST)
def propose(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, zh: str = Form(...),
    en: str = Form(...), note: str = Form(""), back: str = Form(""),
) -> Response:
    if not (zh.strip() and en.strip()):
        raise HTTPException(400, "a glossary entry needs both zh and en")
    workspace.db.add_term_proposal(
        zh.strip(), en.strip(), name, note=note.strip(), doc=item.doc.key,
        link=item.flag.link, flag_id=item.flag.id,
    )
    return back_to(doc_no, item.position, back)
