"""Per-browser settings: the reviewer name every action is recorded with."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse, Response

from align.review import security
from align.review.web import POST

router = APIRouter()


@router.post("/reviewer", **POST)
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
