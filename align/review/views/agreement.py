"""The agreement screen: how often each pair of reviewers decided the same flags alike,
and every flag they decided differently, with each reviewer's decision and reason."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from align.review.agreement import disputes, pair_agreement
from align.review.web import WorkspaceDep, doc_numbers, flag_url, render

router = APIRouter()


@router.get("/agreement", response_class=HTMLResponse)
def agreement_page(request: Request, workspace: WorkspaceDep) -> HTMLResponse:
    items = workspace.queue()
    numbers = doc_numbers(workspace)
    counts = {}
    for item in items:
        for name, status in item.decided_by.items():
            counts.setdefault(name, {"confirmed": 0, "dismissed": 0})[status] += 1
    return render(
        request,
        "agreement.html",
        reviewers=sorted(counts.items(), key=lambda kv: kv[0].casefold()),
        pairs=pair_agreement(items),
        disputed=[(flag_url(item, numbers, {}), item) for item in disputes(items)],
    )
