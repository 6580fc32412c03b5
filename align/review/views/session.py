"""Per-browser settings: the reviewer name every action is recorded with, and whether a
decision moves on to the next open flag."""
from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from align.review import security
from align.review.web import ADVANCE_COOKIE, POST, FormError

router = APIRouter()


@router.post("/reviewer", **POST)
def set_reviewer(name: str = Form(""), back: str = Form("/")) -> Response:
    clean = security.clean_reviewer_name(name)
    if not clean:
        raise FormError(f"A reviewer name has 1–{security.MAX_NAME} characters.", form="reviewer")
    response = RedirectResponse(security.local_path(back), 303)
    response.set_cookie(
        security.REVIEWER_COOKIE, security.encode_cookie(clean), max_age=security.YEAR,
        httponly=True, samesite="strict",
    )
    return response


@router.post("/preferences", **POST)
def set_preferences(advance: str = Form(""), back: str = Form("/")) -> Response:
    response = RedirectResponse(security.local_path(back), 303)
    response.set_cookie(ADVANCE_COOKIE, "1" if advance else "0", max_age=security.YEAR,
                        httponly=True, samesite="strict")
    return response
