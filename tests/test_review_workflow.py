"""The review app's dead ends and team workflow in a real headless Chromium: every mistake
ends on an HTML page that says what went wrong (never JSON), the split form proposes a valid
split, a decision moves on to the next open flag, a merge can be undone from the flag's
history, and two reviewers' disagreements show on the agreement screen."""
from __future__ import annotations

import csv
import shutil

import pytest
from review_helpers import REPO, review_server, seed_links, write_run

from align.glossary.files import append_entry, read_glossary
from align.glossary.termbase import GlossaryEntry
from align.review.db import ReviewDB
from align.review.workspace import Workspace

pytestmark = pytest.mark.browser
SEED_GLOSSARY = REPO / "glossaries" / "seed.csv"
NEW_TERM = ("创新合作", "innovation cooperation")
KNOWN_TERM = ("科技部", "Ministry of Science and Technology")  # in the seed glossary


def assert_html_message(page, selector: str, text: str) -> None:
    """The page is an HTML document showing ``text`` in ``selector``, not a JSON body."""
    page.wait_for_selector(selector)
    assert page.evaluate("document.contentType") == "text/html"
    body = page.inner_text("body").lstrip()
    assert not body.startswith("{") and '"detail"' not in body
    assert text.casefold() in page.inner_text(selector).casefold(), page.inner_text(selector)


def set_reviewer(page, base: str, name: str) -> None:
    page.goto(base + "/")
    page.fill("#reviewer-form input[name=name]", name)
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")


def focus_ids(page) -> tuple[str, str]:
    row = page.locator("#context tr.focus")
    return row.get_attribute("data-zh-ids"), row.get_attribute("data-en-ids")


@pytest.fixture
def run(tmp_path):
    """Ten 1:1 links and one 2:1 link of real seed sentences, with flags on every link."""
    return write_run(tmp_path / "run", seed_links())


def flag_on_link(run, link: int) -> int:
    return next(i for i, f in enumerate(Workspace(run).docs[0].flags) if f.link == link)


def test_every_dead_end_ends_on_an_html_page_with_a_message(run, tmp_path, page):
    glossary = tmp_path / "team.csv"
    shutil.copy(SEED_GLOSSARY, glossary)
    suggestions = tmp_path / "suggested.csv"
    with open(suggestions, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["zh", "en", "note"])
        writer.writerow([*NEW_TERM, "seen 3 times"])
        writer.writerow([*KNOWN_TERM, "seen 5 times"])
    two_to_one = flag_on_link(run, len(seed_links()) - 1)
    with review_server(run, "--glossary", str(glossary), "--suggestions", str(suggestions)) as (base, _):
        # Pressing `a` before setting a name: the pair view again, the name field pointed out.
        page.goto(f"{base}/flag/0/0")
        page.keyboard.press("a")
        assert_html_message(page, "#problem", "set your reviewer name first")
        assert page.locator("#reviewer-form.attention").count() == 1
        assert page.inner_text("#flag-status") == "open"  # nothing recorded
        # A name of spaces only.
        page.fill("#reviewer-form input[name=name]", "   ")
        page.click("#reviewer-form button")
        assert_html_message(page, "#error-message", "a reviewer name has 1")
        # Bad flag URLs and unknown pages.
        for path, text in (
            ("/flag/0/9999", "there is no flag 9999 in document 0"),
            ("/flag/7/0", "there is no flag 0 in document 7"),
            ("/flag/abc/0", "there is no page at /flag/abc/0"),
            ("/nowhere", "there is no page at /nowhere"),
            ("/flag/0/0/decide", "takes the review pages' forms"),
        ):
            page.goto(base + path)
            assert_html_message(page, "#error-message", text)

        set_reviewer(page, base, "Ann")
        # The split form of the 2:1 link proposes a valid split: submitting it as shown works.
        page.goto(f"{base}/flag/0/{two_to_one}")
        before = focus_ids(page)
        assert before == ("10,11", "10")
        checked = {lang: page.locator(f"#split-{lang} input:checked").get_attribute("value") for lang in ("zh", "en")}
        assert checked["zh"] == "1"  # the only boundary between the two zh sentences
        page.click("#split")
        page.wait_for_function("() => document.querySelector('#context tr.focus').dataset.zhIds === '10'")
        assert page.locator("#problem").count() == 0
        # An impossible split (everything in the second part): the form says why, inline.
        page.click("#history li.fix .undo")  # back to the 2:1 link
        page.wait_for_selector("#split-form")
        page.check("#split-zh input[value='0']")
        page.check("#split-en input[value='0']")
        page.click("#split")
        assert_html_message(page, "#split-form .field-error", "a split must leave sentences on both parts")
        assert focus_ids(page) == before  # nothing changed

        # A candidate the glossary already has: marked, and offers no approval.
        page.goto(base + "/glossary")
        known = page.locator("#candidates tr[data-in-glossary]")
        assert known.count() == 1 and "already in the glossary" in known.inner_text()
        assert known.locator("button[value=approve]").count() == 0
        # A candidate that reaches the glossary while the page is open (another maintainer):
        # approving it from the stale page says so, and nothing is left pending.
        row = page.locator("#candidates tr").filter(has=page.locator(f"td[lang=zh]:text-is('{NEW_TERM[0]}')"))
        append_entry(glossary, GlossaryEntry(id="", zh=NEW_TERM[0], en=NEW_TERM[1]))
        row.locator("button[value=approve]").click()
        assert_html_message(page, "#problem", "already in the glossary")
        assert "pending" not in page.inner_text("#proposals")
        assert ReviewDB(run / "review.sqlite").term_proposals() == []


def test_glossary_english_is_edited_before_approval(run, tmp_path, page):
    glossary = tmp_path / "team.csv"
    shutil.copy(SEED_GLOSSARY, glossary)
    suggestions = tmp_path / "suggested.csv"
    suggestions.write_text("zh,en\n主旨发言,main speech\n科技部部长,Minister of Science\n", encoding="utf-8")
    with review_server(run, "--glossary", str(glossary), "--suggestions", str(suggestions)) as (base, _):
        set_reviewer(page, base, "Mei")
        page.goto(base + "/glossary")
        minister = page.locator("#candidates tr").filter(has=page.locator("td[lang=zh]:text-is('科技部部长')"))
        assert "科技部部长 → Minister of Science and Technology" in minister.inner_text()  # what the glossary has
        row = page.locator("#candidates tr").filter(has=page.locator("td[lang=zh]:text-is('主旨发言')"))
        assert "new term" in row.inner_text()
        row.locator("input[name=en]").fill("keynote speech")
        row.locator("button[value=approve]").click()
        page.wait_for_selector("#proposals >> text=approved")
        assert "keynote speech" in page.inner_text("#proposals")
        assert page.locator("#candidates td[lang=zh]:text-is('主旨发言')").count() == 0  # decided
    entries = {(e.zh, e.en) for e in read_glossary(glossary)}
    assert ("主旨发言", "keynote speech") in entries and ("主旨发言", "main speech") not in entries


def test_a_decision_moves_on_to_the_next_open_flag_unless_switched_off(run, page):
    with review_server(run) as (base, _):
        set_reviewer(page, base, "Ann")
        page.goto(f"{base}/flag/0/2")
        page.keyboard.press("a")  # flag 2 confirmed first: it is no longer open
        page.wait_for_url(f"{base}/flag/0/3")
        page.goto(f"{base}/flag/0/1")
        page.select_option("#dismiss-reason", "false alarm")
        page.keyboard.press("d")
        page.wait_for_url(f"{base}/flag/0/3")  # flag 2 is decided: skipped
        assert "Dismissed" in page.inner_text("#flash")
        page.click("#flash-link")
        page.wait_for_url(f"{base}/flag/0/1")
        assert page.inner_text("#flag-status") == "dismissed"
        page.goto(f"{base}/flag/0/4")
        with page.expect_navigation():
            page.uncheck("#advance")  # this browser now stays on the flag after a decision
        assert not page.is_checked("#advance")
        page.keyboard.press("a")
        page.wait_for_selector("#flag-status.status-confirmed")
        assert page.url == f"{base}/flag/0/4"


def test_a_merge_is_in_the_flag_history_and_can_be_undone(run, page):
    with review_server(run) as (base, _):
        set_reviewer(page, base, "Ann")
        page.goto(f"{base}/flag/0/{flag_on_link(run, 3)}")
        before = focus_ids(page)
        page.keyboard.press("m")
        page.wait_for_function("b => document.querySelector('#context tr.focus').dataset.zhIds !== b", arg=before[0])
        assert focus_ids(page) == ("3,4", "3,4")
        entry = page.locator("#history li.fix")
        assert "merge of link 3 with the next" in entry.inner_text() and entry.get_attribute("data-state") == "in effect"
        focus = page.locator("#context tr.focus")
        assert "fixed" in focus.inner_text() and "1.00" not in focus.inner_text()  # re-scored
        entry.locator("button.undo").click()
        page.wait_for_selector("#history li.fix[data-state=undone]")
        assert focus_ids(page) == before
        assert "Undid the merge" in page.inner_text("#flash")


def test_reviewers_who_disagree_show_on_the_agreement_screen(run, browser):
    pages = {}
    with review_server(run) as (base, _):
        for name in ("Ann", "Bo"):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pages[name] = context.new_page()
            set_reviewer(pages[name], base, name)
        ann, bo = pages["Ann"], pages["Bo"]
        for position in (0, 1):
            ann.goto(f"{base}/flag/0/{position}")
            ann.keyboard.press("a")
            ann.wait_for_url(lambda url, done=f"/flag/0/{position}": not url.endswith(done))
        bo.goto(f"{base}/flag/0/0")
        bo.keyboard.press("a")  # agrees on flag 0 (Ann decided flag 1: it is not open)
        bo.wait_for_url(f"{base}/flag/0/2")
        bo.goto(f"{base}/flag/0/1")
        bo.select_option("#dismiss-reason", "acceptable variant")
        bo.keyboard.press("d")  # disagrees on flag 1
        bo.wait_for_url(f"{base}/flag/0/2")
        bo.goto(base + "/agreement")
        disputed = bo.locator("#disputed tbody tr[data-flag]")
        assert disputed.count() == 1
        text = disputed.inner_text()
        assert "Ann" in text and "Bo" in text and "confirmed" in text and "acceptable variant" in text
        assert "Ann · Bo" in bo.inner_text("#pairs") and "1 (50 %)" in bo.inner_text("#pairs")
        disputed.locator("a").click()
        bo.wait_for_url(f"{base}/flag/0/1")
        assert bo.locator("#reviewer-decisions .disputed").count() == 1
        bo.goto(base + "/?reviewer=Bo")
        assert bo.locator("#queue tbody tr").count() == 2
        bo.goto(base + "/?status=disputed")
        assert bo.locator("#queue tbody tr").count() == 1
        for p in pages.values():
            p.context.close()
