"""Alignment fixes made from a pair view: merge a link with the next, split one, mark an
outer sentence untranslated. Each is recorded with the reviewer; links are never rewritten
here (``align review apply`` folds the fixes into the run's files)."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import Response

from align.review.fixes import merge_fix, split_fix, untranslated_fix
from align.review.web import POST, ItemDep, ReviewerDep, WorkspaceDep, back_to

router = APIRouter()


@router.post("/flag/{doc_no}/{position}/align", **POST)
def fix_alignment(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep,
    action: str = Form(...), link: int = Form(...), zh_keep: int = Form(0), en_keep: int = Form(0),
    target: str = Form("zh:0"),  # untranslated: "<lang>:<sentence within the link>"
    back: str = Form(""),
) -> Response:
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
    return back_to(doc_no, item.position, back)
