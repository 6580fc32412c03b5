"""report.html in a real headless Chromium: rows, highlights, filters, escaping, screenshot."""
from __future__ import annotations

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, ZH_SEED
from test_report import EN, SCORES, ZH, make_run

from align.report import write_run

pytestmark = pytest.mark.browser


def visible_links(page) -> list[int]:
    return page.eval_on_selector_all(
        "tr.pair:not(.hidden)", "rows => rows.map(r => parseInt(r.id.slice(5)))"
    )


def test_filters_select_rows_by_check_severity_and_confidence(page, tmp_path):
    run = make_run()
    page.goto(write_run(run, tmp_path)["report.html"].as_uri())
    assert page.locator("tr.pair").count() == len(run.links)
    assert page.locator("#link-2 td.zh mark").count() >= 2
    assert page.locator("#link-2 td.en mark").count() == 1

    def flagged(check="", severity=""):
        return sorted({f.link for f in run.flags if check in ("", f.check) and severity in ("", f.severity)})

    page.select_option("#f-check", "tense.mismatch")
    assert visible_links(page) == flagged("tense.mismatch")
    page.select_option("#f-check", "")
    page.select_option("#f-severity", "warning")
    assert visible_links(page) == flagged(severity="warning")
    page.select_option("#f-check", "entity.missing")  # an info flag: no row has it as a warning
    assert visible_links(page) == flagged("entity.missing", "warning") == []
    page.select_option("#f-severity", "")
    page.select_option("#f-check", "__clean")
    assert visible_links(page) == sorted(set(range(len(run.links))) - set(flagged()))
    page.select_option("#f-check", "")
    page.fill("#f-max", "0.6")
    assert visible_links(page) == [link.index for link in run.links if link.score <= 0.6]
    assert page.inner_text("#shown") == f"showing {len(visible_links(page))} of {len(run.links)} links"
    page.fill("#f-max", "1")
    page.click(".chip.check-count[data-check='glossary.missing_term']")
    assert visible_links(page) == flagged("glossary.missing_term")
    page.click(".chip[data-check=''][data-severity='']")
    assert visible_links(page) == [link.index for link in run.links]

    page.click("#link-1 td.en mark")
    popup = page.locator("#popup")
    assert popup.is_visible() and "Thai Airways International" in popup.inner_text()
    assert page.locator("#link-1 li.flag.active").count() == 1


def test_document_text_cannot_inject_markup(page, tmp_path):
    payload_zh = "<script>window.pwned = 1</script>中国科学院"
    payload_en = '<img src=x onerror="window.pwned = 2"> CAS'
    run = make_run(zh=[*ZH[:4], payload_zh], en=[*EN, payload_en], scores=[*SCORES[:4], 0.4])
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(write_run(run, tmp_path)["report.html"].as_uri())
    assert page.evaluate("window.pwned") is None and dialogs == []
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    assert page.inner_text("#link-4 td.zh") == payload_zh
    assert page.inner_text("#link-4 td.en") == payload_en


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    from align.pipeline import run_check

    run = run_check(ZH_SEED, EN_SEED, glossaries=[SEED_GLOSSARY], quiet=True)
    return run, write_run(run, tmp_path_factory.mktemp("seed"))["report.html"]


def test_seed_report_highlights_cas_bangkok_row_and_saves_screenshot(page, seed_report, screenshot_dir):
    run, html = seed_report
    page.goto(html.as_uri())
    assert page.locator("tr.pair").count() == len(run.links)
    assert page.locator("mark").count() >= sum(bool(f.zh_span) + bool(f.en_span) for f in run.flags) > 0
    cas = next(link for link in run.links if "东盟" in link.zh and "Innovation Cooperation Center in" in link.en)
    row = page.locator(f"#link-{cas.index}")
    assert row.locator("mark").count() > 0, "the CAS Bangkok row carries no highlighted span"
    # filter to the checks that flag the CAS row, and to links at most as confident as it
    check = next(f.check for f in run.flags if f.link == cas.index and (f.zh_span or f.en_span))
    page.select_option("#f-check", check)
    assert cas.index in visible_links(page)
    assert all(any(f.check == check and f.link == i for f in run.flags) for i in visible_links(page))
    row.locator("mark").first.click()
    assert page.locator("#popup").is_visible()
    row.scroll_into_view_if_needed()
    page.evaluate(f"document.querySelector('#link-{cas.index}').scrollIntoView({{block: 'center'}})")
    page.wait_for_timeout(100)
    screenshot = screenshot_dir / "report-screenshot.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000


def test_seed_report_shows_each_links_error_risk_and_orders_by_it(page, seed_report):
    """The adequacy score of every two-sided link is a column of the report (and of
    pairs.jsonl and report.xlsx); the rows filter by it and sort by it, highest first."""
    import json

    from openpyxl import load_workbook

    from align.checks import adequacy

    run, html = seed_report
    scored = {link.index: link.adequacy for link in run.links if link.adequacy is not None}
    assert set(scored) == {link.index for link in run.links if not link.one_sided}
    warned = {f.link: f.evidence["probability"] for f in run.flags if f.check == "adequacy.score"}
    assert warned and all(round(scored[i], 3) == p >= adequacy.THRESHOLD for i, p in warned.items())
    pairs = [json.loads(line) for line in (html.parent / "pairs.jsonl").read_text("utf-8").splitlines()]
    assert {p["link"]: p["adequacy"] for p in pairs if "adequacy" in p} == {i: round(v, 3) for i, v in scored.items()}
    sheet = load_workbook(html.parent / "report.xlsx", read_only=True)["pairs"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("error risk")
    assert {row[0]: row[column] for row in rows[1:] if row[column] is not None} == \
        {i: round(v, 3) for i, v in scored.items()}

    page.goto(html.as_uri())
    first = min(scored)
    assert page.inner_text(f"#link-{first} td.conf span.risk") == f"{scored[first]:.2f}"
    page.fill("#f-risk", str(adequacy.THRESHOLD))
    assert visible_links(page) == sorted(i for i, v in scored.items() if v >= adequacy.THRESHOLD)
    page.fill("#f-risk", "0")
    page.select_option("#f-order", "risk")
    order = page.eval_on_selector_all("tr.pair", "rows => rows.map(r => parseInt(r.id.slice(5)))")
    assert order[:len(scored)] == sorted(scored, key=lambda i: (-round(scored[i], 3), i))
    page.select_option("#f-order", "document")
    assert page.eval_on_selector_all("tr.pair", "rows => rows.map(r => parseInt(r.id.slice(5)))") == \
        [link.index for link in run.links]


def test_seed_report_shows_each_links_confidence_and_orders_by_it_lowest_first(page, seed_report):
    """Every link the aligner made shows its confidence (the probability that it is exactly
    right) with its similarity below; the rows filter by it and sort by it, lowest first (a
    link without one by its score: 0 for a one-sided link)."""
    run, html = seed_report
    made = [link for link in run.links if link.zh_ids and link.en_ids]
    assert made and all(0 < link.confidence < 1 for link in made)
    assert all(link.confidence is None for link in run.links if not (link.zh_ids and link.en_ids))
    shown = {link.index: round(link.confidence if link.confidence is not None else link.score, 4)
             for link in run.links}
    page.goto(html.as_uri())
    first = made[0]
    assert page.inner_text(f"#link-{first.index} td.conf span.confidence") == f"{first.confidence:.2f}"
    assert page.inner_text(f"#link-{first.index} td.conf small.sim") == f"{first.score:.2f}"
    page.fill("#f-max", "0.6")
    assert visible_links(page) == sorted(i for i, v in shown.items() if v <= 0.6)
    page.fill("#f-max", "1")
    page.select_option("#f-order", "confidence")
    order = page.eval_on_selector_all("tr.pair", "rows => rows.map(r => parseInt(r.id.slice(5)))")
    assert order == sorted(shown, key=lambda i: (shown[i], i))
