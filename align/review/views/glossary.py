"""The glossary maintainer's screen: reviewers' proposals and `align glossary suggest`
candidates, each marked with what the glossary already has for its Chinese term, approved
into the glossary file (with the English as corrected) or rejected."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from align.review import security
from align.review.web import (
    DeskDep,
    FormError,
    Problem,
    ReviewerDep,
    get_workspace,
    redisplay_with,
    render,
)

router = APIRouter()


def show_glossary_on_error(request: Request) -> None:
    redisplay_with(request, lambda problem: glossary_response(request, problem))


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request) -> HTMLResponse:
    return glossary_response(request)


def glossary_response(request: Request, problem: Problem | None = None) -> HTMLResponse:
    desk = request.app.state.desk
    doc_names = {doc.key: doc.name for doc in get_workspace(request).docs}
    return render(request, "glossary.html", 400 if problem else 200, problem=problem, desk=desk,
                  back_path="/glossary", doc_names=doc_names,
                  proposals=desk.proposals(), candidates=desk.candidates())


@router.post("/glossary/decide", dependencies=[Depends(show_glossary_on_error), Depends(security.checked_post)])
def glossary_decide(
    desk: DeskDep, name: ReviewerDep, action: str = Form(...), proposal: int | None = Form(None),
    zh: str = Form(""), en: str = Form(""), suggested_en: str = Form(""), note: str = Form(""),
) -> Response:
    try:
        if proposal is None:
            desk.decide_candidate(zh, en, suggested_en, note, action, name)
        else:
            desk.decide(proposal, action, name, en=en)
    except ValueError as exc:
        raise FormError(str(exc)[:1].upper() + str(exc)[1:] + ".", form="glossary") from exc
    return RedirectResponse("/glossary", 303)
