"""The glossary maintainer's screen: reviewers' proposals and `align glossary suggest`
candidates, approved into the glossary file or rejected."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from align.review.web import POST, DeskDep, ReviewerDep, render

router = APIRouter()


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, desk: DeskDep) -> HTMLResponse:
    return render(request, "glossary.html", desk=desk, proposals=desk.proposals(), candidates=desk.candidates())


@router.post("/glossary/decide", **POST)
def glossary_decide(
    desk: DeskDep, name: ReviewerDep, action: str = Form(...), proposal: int | None = Form(None),
    zh: str = Form(""), en: str = Form(""), note: str = Form(""),
) -> Response:
    try:
        if proposal is None:
            proposal = desk.adopt_candidate(zh, en, note, name)
        desk.decide(proposal, action, name)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/glossary", 303)
