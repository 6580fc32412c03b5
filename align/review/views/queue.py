"""The queue: every flag of the run, filtered by document, check, severity and status."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from align.review.db import STATUS_ACTIONS
from align.review.web import WorkspaceDep, doc_numbers, flag_url, queue_filters, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, workspace: WorkspaceDep) -> HTMLResponse:
    filters = queue_filters(request)
    everything = workspace.queue()
    numbers = doc_numbers(workspace)
    return render(
        request,
        "queue.html",
        rows=[(flag_url(item, numbers, filters), item) for item in workspace.queue(**filters)],
        filters=filters,
        docs=list(enumerate(workspace.docs)),
        checks=sorted({i.flag.check for i in everything}),
        statuses=sorted(set(STATUS_ACTIONS.values())),
        counts={s: sum(i.state.status == s for i in everything) for s in STATUS_ACTIONS.values()},
        total=len(everything),
        lapsed=len(workspace.lapsed()),
    )
