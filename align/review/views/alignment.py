"""Alignment fixes made from a pair view: merge a link with the next, split one, mark an
outer sentence untranslated. Each is recorded with the reviewer; links are never rewritten
here (``align review apply`` folds the fixes into the run's files)."""
from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import Response

from align.review.fixes import (
    FixError,
    describe_fix,
    merge_fix,
    split_fix,
    untranslated_fix,
)
from align.review.views.flag import PAIR_POST
from align.review.web import (
    FormError,
    ItemDep,
    ReviewerDep,
    WorkspaceDep,
    back_to,
    with_flash,
)

router = APIRouter()


@router.post("/flag/{doc_no}/{position}/align", **PAIR_POST)
def fix_alignment(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep,
    action: str = Form(...), link: int = Form(...), zh_keep: int = Form(0), en_keep: int = Form(0),
    target: str = Form("zh:0"),  # untranslated: "<lang>:<sentence within the link>"
    back: str = Form(""),
) -> Response:
    links = workspace.current_links(item.doc)
    if not 0 <= link < len(links):
        raise FormError(f"There is no link {link} in this document (it has {len(links)}).", form=action)
    try:
        if action == "merge":
            fix = merge_fix(links, link)
        elif action == "split":
            fix = split_fix(links[link], link, zh_keep, en_keep)
        elif action == "untranslated":
            lang, _, sentence = target.partition(":")
            fix = untranslated_fix(links[link], link, lang, int(sentence) if sentence.isdigit() else -1)
        else:
            raise FormError(f"unknown alignment fix {action!r}")
    except FixError as exc:
        raise FormError(str(exc)[:1].upper() + str(exc)[1:] + ".", form=action) from exc
    workspace.db.add_link_fix(item.doc.key, fix.action, fix.params, name, flag_id=item.flag.id)
    return back_to(doc_no, item.position, back)


@router.post("/flag/{doc_no}/{position}/undo-fix", **PAIR_POST)
def undo_fix(
    doc_no: int, item: ItemDep, workspace: WorkspaceDep, name: ReviewerDep, fix: int = Form(...),
    back: str = Form(""),
) -> Response:
    try:
        record = workspace.undo_fix(item.doc, fix, name)
    except FixError as exc:
        raise FormError(str(exc)[:1].upper() + str(exc)[1:] + ".", form="history") from exc
    undone = describe_fix(record["action"], record["params"])
    return with_flash(back_to(doc_no, item.position, back), f"Undid the {undone}.")

