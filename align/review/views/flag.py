"""The pair view of one flag: both sides highlighted, the alignment around it, and the
decisions (confirm, dismiss, reopen), comments and glossary proposals made from it."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from align.report.highlight import mark_spans
from align.review import security
from align.review.carryover import QueueItem
from align.review.db import STATUS_ACTIONS
from align.review.display import evidence_fields
from align.review.fixes import (
    FixError,
    default_split,
    describe_fix,
    link_sentences,
    locate,
)
from align.review.web import (
    FormError,
    ItemDep,
    Problem,
    ReviewerDep,
    WorkspaceDep,
    back_to,
    doc_numbers,
    error_page,
    flag_url,
    get_workspace,
    queue_filters,
    redisplay_with,
    render,
    wants_advance,
    with_flash,
)
from align.review.workspace import QUEUE_FILTERS, Workspace

DISMISS_REASONS = ("false alarm", "acceptable variant", "intended difference", "wrong alignment", "other")
CONTEXT_LINKS = 2  # neighbouring links shown on each side of the flagged one
PAST = {"confirm": "Confirmed", "dismiss": "Dismissed", "reopen": "Reopened"}

router = APIRouter()


async def show_pair_on_error(request: Request, doc_no: int, position: int) -> None:
    """A form of the pair view that fails re-shows the pair view with the message."""
    back = (await request.form()).get("back") or ""
    filters = {k: v for k, v in parse_qsl(str(back)) if k in QUEUE_FILTERS}

    def show(problem: Problem) -> Response:
        workspace = get_workspace(request)
        item = workspace.item(doc_no, position)
        if item is None:
            return error_page(request, 404, "No such flag in this run.")
        return pair_response(request, doc_no, item, workspace, filters, problem)

    redisplay_with(request, show)


PAIR_POST = {"dependencies": [Depends(show_pair_on_error), Depends(security.checked_post)]}


@router.get("/flag/{doc_no}/{position}", response_class=HTMLResponse)
def pair_page(request: Request, doc_no: int, item: ItemDep, workspace: WorkspaceDep) -> HTMLResponse:
    return pair_response(request, doc_no, item, workspace, queue_filters(request))


def pair_response(
    request: Request, doc_no: int, item: QueueItem, workspace: Workspace, filters: dict[str, str],
    problem: Problem | None = None,
) -> HTMLResponse:
    shown = workspace.queue(**filters)
    keys = [(id(i.doc), i.position) for i in shown]
    if (id(item.doc), item.position) in keys:  # previous / next in the queue's own order
        here = keys.index((id(item.doc), item.position))
        before, after = shown[:here], shown[here + 1:]
    else:  # a flag the filters leave out: its neighbours in document order
        rank = {(id(i.doc), i.position): n for n, i in enumerate(workspace.queue())}
        before = [i for i in shown if rank[(id(i.doc), i.position)] < rank[(id(item.doc), item.position)]]
        after = [i for i in shown if rank[(id(i.doc), i.position)] > rank[(id(item.doc), item.position)]]
    numbers = doc_numbers(workspace)
    links = workspace.current_links(item.doc)
    base = {link.index: link for link in item.doc.links}[item.flag.link]
    focus = locate(links, base) or 0
    try:
        sentences = {lang: link_sentences(links[focus], lang) for lang in ("zh", "en")}
    except FixError:
        sentences = None
    ids = {"zh": list(links[focus].zh_ids), "en": list(links[focus].en_ids)}
    back = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "pair.html",
        400 if problem else 200,
        problem=problem,
        item=item,
        doc_no=doc_no,
        zh_html=mark_spans(item.flag.zh, [item.flag], "zh"),
        en_html=mark_spans(item.flag.en, [item.flag], "en"),
        history=flag_history(workspace, item),
        evidence=evidence_fields(item.flag.evidence or {}),
        back_path=f"/flag/{doc_no}/{item.position}" + (f"?{back}" if back else ""),
        context=links[max(0, focus - CONTEXT_LINKS): focus + CONTEXT_LINKS + 1],
        focus=links[focus],
        last_link=len(links) - 1,
        sentences=sentences,
        split_at=default_split(*(sentences[k] if sentences else ["."] * len(ids[k]) for k in ("zh", "en"))),
        prev_url=flag_url(before[-1], numbers, filters) if before else None,
        next_url=flag_url(after[0], numbers, filters) if after else None,
        rank=len(before) + 1,
        shown=len(shown),
        back=back,
        reasons=DISMISS_REASONS,
        advance=wants_advance(request),
        span_text={
            side: getattr(item.flag, side)[slice(*span)] if span else ""
            for side, span in (("zh", item.flag.zh_span), ("en", item.flag.en_span))
        },
    )


@router.post("/flag/{doc_no}/{position}/decide", **PAIR_POST)
def decide(
    request: Request, doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep,
    action: str = Form(...), reason: str = Form(""), note: str = Form(""), back: str = Form(""),
) -> Response:
    if action not in STATUS_ACTIONS:
        raise FormError(f"unknown action {action!r}")
    if action == "dismiss" and not (reason.strip() or note.strip()):
        raise FormError("A dismissal needs a reason: choose one or write a note.", form="dismiss")
    workspace.db.add_flag_event(
        item.flag.id, action, name, run_id=workspace.run_id(item.doc),
        reason=(reason.strip() + (f": {note.strip()}" if note.strip() else "")) or None,
        doc=item.doc.key, link=item.flag.link,
    )
    if action == "reopen" or not wants_advance(request):
        return back_to(doc_no, item.position, back)
    filters = {k: v for k, v in parse_qsl(back) if k in QUEUE_FILTERS}
    done = f"{PAST[action]} {item.flag.check} on link {item.flag.link}."
    numbers = doc_numbers(workspace)
    upcoming = next_open(workspace, item, filters)
    if upcoming is None:
        query = urlencode(filters)
        return with_flash(RedirectResponse("/" + (f"?{query}" if query else ""), 303),
                          done + " No open flag left in this view.", flag_url(item, numbers, filters))
    return with_flash(RedirectResponse(flag_url(upcoming, numbers, filters), 303),
                      done + " This is the next open flag.", flag_url(item, numbers, filters))


def flag_history(workspace: Workspace, item: QueueItem) -> list[dict]:
    """The flag's decisions and comments and the alignment fixes made from it, in time order."""
    fixes = [
        record | {"kind": "fix", "description": describe_fix(record["action"], record["params"])}
        for record in workspace.fix_records(item.doc) if record["flag_id"] == item.flag.id
    ]
    events = [event | {"kind": "event"} for event in workspace.db.flag_history(item.flag.id)]
    return sorted(events + fixes, key=lambda e: e["at"])


def next_open(workspace: Workspace, item: QueueItem, filters: dict[str, str]) -> QueueItem | None:
    """The first open flag after ``item`` in the filtered queue, wrapping round to the start."""
    everything = workspace.queue()
    here = next(n for n, i in enumerate(everything) if i.doc is item.doc and i.position == item.position)
    shown = {(id(i.doc), i.position) for i in workspace.queue(**filters)}
    order = everything[here + 1:] + everything[:here]
    return next((i for i in order if i.state.status == "open" and (id(i.doc), i.position) in shown), None)


@router.post("/flag/{doc_no}/{position}/comment", **PAIR_POST)
def comment(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, text: str = Form(""),
    back: str = Form(""),
) -> Response:
    if not text.strip():
        raise FormError("The comment is empty.", form="comment")
    workspace.db.add_flag_event(
        item.flag.id, "comment", name, run_id=workspace.run_id(item.doc),
        comment=text.strip(), doc=item.doc.key, link=item.flag.link,
    )
    return back_to(doc_no, item.position, back)


@router.post("/flag/{doc_no}/{position}/propose", **PAIR_POST)
def propose(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, zh: str = Form(""),
    en: str = Form(""), note: str = Form(""), back: str = Form(""),
) -> Response:
    if not (zh.strip() and en.strip()):
        raise FormError("A glossary entry needs both the zh term and its English.", form="propose")
    workspace.db.add_term_proposal(
        zh.strip(), en.strip(), name, note=note.strip(), doc=item.doc.key,
        link=item.flag.link, flag_id=item.flag.id,
    )
    return with_flash(back_to(doc_no, item.position, back), f"Proposed {zh.strip()} → {en.strip()} for the glossary.")
