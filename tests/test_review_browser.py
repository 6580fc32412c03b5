"""The review app in a real headless Chromium, on a real `align check` run of the seed pair."""
from __future__ import annotations

import csv
import shutil

import pytest
from review_helpers import EN_SEED, REPO, ZH_SEED, review_server, write_run

from align.cli import main
from align.glossary.files import read_glossary
from align.model import Flag, Link

pytestmark = pytest.mark.browser
SEED_GLOSSARY = REPO / "glossaries" / "seed.csv"


def align_check(out_dir) -> None:
    """The real main job, in-process so the model loads once per test session."""
    argv = ["check", str(ZH_SEED), str(EN_SEED), "--glossary", str(SEED_GLOSSARY), "--out", str(out_dir), "--quiet"]
    assert main(argv) == 0


def set_reviewer(page, base: str, name: str) -> None:
    page.goto(base + "/")
    page.fill("#reviewer-form input[name=name]", name)
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")


def open_flag(page, base: str, number: int) -> str:
    """Open the ``number``-th flag of the queue; return its pair-view URL."""
    page.goto(base + "/")
    page.locator("#queue tbody tr a").nth(number).click()
    page.wait_for_selector("#flag-status")
    return page.url


def focus_ids(page) -> tuple[str, str]:
    """The zh and en sentence ids of the flagged link in the current alignment."""
    row = page.locator("#context tr.focus")
    return row.get_attribute("data-zh-ids"), row.get_attribute("data-en-ids")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """A real `align check` of the seed pair (the review database starts empty)."""
    run = tmp_path_factory.mktemp("review") / "seed-run"
    align_check(run)
    return run


def term_row(page, table: str, zh: str, en: str):
    """The row of ``table`` whose zh and en cells are exactly these terms."""
    return page.locator(f"{table} tr").filter(
        has=page.locator(f"td[lang=zh]:text-is({zh!r})")
    ).filter(has=page.locator(f"td[lang=en]:text-is({en!r})"))


def fresh_copy(run, target):
    return shutil.copytree(run, target, ignore=shutil.ignore_patterns("review.sqlite*"))


def test_decisions_persist_and_carry_over_to_a_rerun(seed_run, tmp_path, page, screenshot_dir):
    run = fresh_copy(seed_run, tmp_path / "seed-run")
    with review_server(run) as (base, _):
        set_reviewer(page, base, "Ann Reviewer")
        first = open_flag(page, base, 0)
        page.select_option("#dismiss-reason", "acceptable variant")
        page.keyboard.press("d")  # dismiss with the selected reason: the next open flag is shown
        page.wait_for_url(lambda url: url != first)
        assert "Dismissed" in page.inner_text("#flash")
        assert page.inner_text("#flag-status") == "open"
        second = page.url
        page.keyboard.press("a")  # confirm
        page.wait_for_url(lambda url: url != second)
        page.goto(second)
        page.wait_for_selector("#flag-status.status-confirmed")
        before = focus_ids(page)
        page.keyboard.press("m")  # merge the flagged link with the next one
        page.wait_for_function(
            "before => document.querySelector('#context tr.focus').dataset.zhIds !== before", arg=before[0]
        )
        merged = focus_ids(page)
        assert len(merged[0].split(",")) + len(merged[1].split(",")) > len(",".join(before).split(","))
        page.fill("#comment-text", "checked against the printed report")
        page.click("#comment")
        page.wait_for_selector("#history li >> text=checked against the printed report")
        page.screenshot(path=str(screenshot_dir / "review-pair-view.png"))

        page.reload()
        assert page.inner_text("#flag-status") == "confirmed"
        assert focus_ids(page) == merged
        page.goto(first)
        assert page.inner_text("#flag-status") == "dismissed"
        assert "Ann Reviewer" in page.inner_text("#history")
        assert "acceptable variant" in page.inner_text("#history")

        align_check(run)  # same input, same folder: a new run of the same text
        page.goto(first)
        assert page.inner_text("#flag-status") == "dismissed"
        assert page.locator("#carried").count() == 1
        page.goto(second)
        assert page.inner_text("#flag-status") == "confirmed"
        assert page.locator("#carried").count() == 1
        assert focus_ids(page) == merged  # the alignment fix carried over too
        page.goto(base + "/?status=open")
        statuses = page.locator("#queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
        assert statuses and set(statuses) == {"open"}


PAYLOADS = (
    '<script>window.__xss = "script"</script>',
    '<img src=x onerror="window.__xss = \'img\'">',
    '"><svg onload="window.__xss = \'svg\'">',
    "{{ 7 * 7 }}",
)


def test_hostile_text_in_documents_comments_and_names_is_shown_not_run(tmp_path, page):
    zh = "科技部部长" + PAYLOADS[0] + "出席会议。"
    en = "The Minister " + PAYLOADS[1] + " attended " + PAYLOADS[2] + " " + PAYLOADS[3]
    links = [Link(0, (0,), (0,), zh, en, 0.7), Link(1, (1,), (1,), "第二句。", "Second.", 0.8)]
    flag = Flag(0, "glossary.missing_term", "error", zh, en, "message " + PAYLOADS[1],
                (5, 5 + len(PAYLOADS[0])), (13, 13 + len(PAYLOADS[1])), {"term": PAYLOADS[2]})
    run = write_run(tmp_path / "hostile", links, [flag])
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with review_server(run) as (base, _):
        set_reviewer(page, base, PAYLOADS[1])
        pair_url = open_flag(page, base, 0)
        page.fill("#comment-text", PAYLOADS[0] + PAYLOADS[2])
        page.click("#comment")
        page.wait_for_selector("#history li q")
        page.fill("#dismiss-note", PAYLOADS[1])
        page.click("#dismiss")  # the only flag: the queue is shown, saying nothing is left open
        page.wait_for_selector("#flash >> text=No open flag left")
        page.goto(pair_url)
        assert page.inner_text("#flag-status") == "dismissed"
        page.fill("#propose-form input[name=en]", PAYLOADS[2])
        page.click("#propose")
        page.wait_for_selector("#flag-status")
        for url in (page.url, base + "/", base + "/glossary"):
            page.goto(url)
            assert page.evaluate("window.__xss") is None, url
            assert page.locator("img[src=x], svg, script:not([nonce])").count() == 0, url
        page.goto(base + "/glossary")
        assert PAYLOADS[2] in page.inner_text("#proposals")
        page.goto(pair_url)
        text = page.inner_text("main")
        for payload in PAYLOADS:
            assert payload in text, payload  # shown literally, as text
        assert PAYLOADS[1] in page.inner_text("#reviewer-name")
    assert dialogs == []


def test_glossary_screen_approves_proposals_and_suggestions_into_the_file(seed_run, tmp_path, page):
    run = fresh_copy(seed_run, tmp_path / "seed-run")
    glossary = tmp_path / "team.csv"
    shutil.copy(SEED_GLOSSARY, glossary)
    original = glossary.read_bytes()
    suggestions = tmp_path / "suggested.csv"
    assert main(["glossary", "suggest", "--corpus", str(run), "--glossary", str(glossary),
                 "--out", str(suggestions), "--quiet"]) == 0
    with open(suggestions, encoding="utf-8-sig", newline="") as fh:
        candidates = [(row["zh"], row["en"]) for row in csv.DictReader(fh)]
    assert len(candidates) >= 2, "the seed run should yield term candidates"
    with review_server(run, "--glossary", str(glossary), "--suggestions", str(suggestions)) as (base, _):
        set_reviewer(page, base, "Mei")
        open_flag(page, base, 0)
        page.fill("#propose-form input[name=zh]", "创新合作")
        page.fill("#propose-form input[name=en]", "innovation cooperation")
        page.fill("#propose-form input[name=note]", "seen in the seed report")
        page.click("#propose")
        page.goto(base + "/glossary")
        term_row(page, "#proposals", "创新合作", "innovation cooperation").locator("button[value=approve]").click()
        term_row(page, "#proposals", "创新合作", "innovation cooperation").locator("text=approved").wait_for()
        first, second = candidates[:2]
        term_row(page, "#candidates", *first).locator("button[value=approve]").click()
        term_row(page, "#proposals", *first).locator("text=approved").wait_for()
        term_row(page, "#candidates", *second).locator("button[value=reject]").click()
        term_row(page, "#proposals", *second).locator("text=rejected").wait_for()
        assert term_row(page, "#candidates", *first).count() == 0
    backup = (tmp_path / "team.csv.bak").read_bytes()  # the file as it was before the last approval
    assert backup.startswith(original) and len(backup) < len(glossary.read_bytes())
    text = glossary.read_text(encoding="utf-8")
    assert text.startswith(original.decode("utf-8"))  # existing lines kept byte for byte
    entries = {(e.zh, e.en) for e in read_glossary(glossary)}
    assert {("创新合作", "innovation cooperation"), first} <= entries and second not in entries
    assert main(["glossary", "lint", str(glossary)]) == 0
