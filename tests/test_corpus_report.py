"""The corpus report of `align batch` on a real small corpus (the seed pair and four Bible
chapters, one sentence per line): ranking by share, links into each document's report at
the link, the documents × checks heatmap, the term-consistency table in original case,
folded long lists, a self-contained page that fits a 1,400 px window in Chromium."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, SHARED, ZH_SEED

from align.cli import main
from align.model import Flag, Link, normalise_for_matching
from align.report.corpus import OPEN_LIST

BIBLE = SHARED / "bench" / "bible-zh-en"
# Leviticus 3-4 and Numbers 28-29 repeat whole verses (the same offering, word for word) in
# slightly different English: cross-document findings on real text.
CHAPTERS = ("Lev:3", "Lev:4", "Num:28", "Num:29")
# Terms of the Chinese Union Version and their King James renderings.
BIBLE_GLOSSARY = """zh,en,variants,forbidden,case_sensitive,note,id,status
耶和华,LORD,,,true,,lord,approved
燔祭,burnt offering,burnt sacrifice,,false,,burnt-offering,approved
赎罪祭,sin offering,,,false,,sin-offering,approved
平安祭,peace offering,,,false,,peace-offering,approved
祭司,priest,,,false,,priest,approved
摩西,Moses,,,false,,moses,approved
"""


def chapter_files(chapter: str, folder: Path) -> tuple[Path, Path]:
    """One chapter of the Bible bench pair, its sentences one per line as in the bench."""
    paths = []
    for lang in ("zh", "en"):
        lines = (BIBLE / f"{lang}.txt").read_text("utf-8").splitlines()
        verses = (BIBLE / f"{lang}.verse").read_text("utf-8").splitlines()
        path = folder / f"{chapter.replace(':', '-')}.{lang}.txt"
        path.write_text("\n".join(line for line, v in zip(lines, verses) if v.startswith(chapter + ":")) + "\n", "utf-8")
        paths.append(path)
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    rows = [f"seed,{ZH_SEED},{EN_SEED}"]
    for chapter in CHAPTERS:
        zh, en = chapter_files(chapter, folder)
        rows.append(f"{chapter.replace(':', '-').lower()},{zh.name},{en.name}")
    manifest = folder / "manifest.csv"
    manifest.write_text("name,zh,en\n" + "\n".join(rows) + "\n", "utf-8")
    glossary = folder / "bible.csv"
    glossary.write_text(BIBLE_GLOSSARY, "utf-8")
    out = folder / "out"
    code = main(["batch", str(manifest), "--out", str(out), "--glossary", str(SEED_GLOSSARY),
                 "--glossary", str(glossary), "--presegmented", "--workers", "2", "--quiet"])
    assert code in (0, 1)  # 1: flags at the default --fail-on level
    return out


def corpus_json(out: Path) -> dict:
    return json.loads((out / "corpus.json").read_text("utf-8"))


def read_run(folder: Path) -> tuple[list[Link], list[Flag]]:
    links = [Link.from_json(json.loads(row)) for row in (folder / "pairs.jsonl").read_text("utf-8").splitlines()]
    flags = [Flag.from_json(json.loads(row)) for row in (folder / "flags.jsonl").read_text("utf-8").splitlines()]
    return links, flags


def test_documents_are_ranked_by_the_share_of_links_to_review(corpus):
    documents = corpus_json(corpus)["documents"]
    assert [d["name"] for d in documents] and all(d["status"] == "ok" for d in documents)
    for d in documents:
        links, flags = read_run(corpus / d["name"])
        review = {f.link for f in flags if f.severity in ("error", "warning")}
        assert d["links"] == len(links) and d["links_to_review"] == len(review)
        assert d["share_to_review"] == round(len(review) / len(links), 3)  # the share, to three decimals
        assert [r["link"] for r in d["review_links"]] == sorted(review)
    shares = [d["share_to_review"] for d in documents]
    assert shares == sorted(shares, reverse=True) and [d["rank"] for d in documents] == list(range(1, len(documents) + 1))
    html = (corpus / "corpus.html").read_text("utf-8")
    for d in documents:  # both the share and the counts are shown
        row = re.search(rf'<tr data-name="{d["name"]}" data-share.*?</tr>', html, re.S).group()
        assert f'{d["links_to_review"]} of {d["links"]} links' in row and f'{round(d["share_to_review"] * 100)}%' in row


def test_heatmap_counts_flags_per_document_and_check(corpus):
    data = corpus_json(corpus)
    codes = sorted({f.check for d in data["documents"] for f in read_run(corpus / d["name"])[1]})
    assert len(codes) >= 8  # many checks: the matrix that used to overflow the window
    for row in data["flags_by_check"]:
        assert {k: v for k, v in row.items() if k != "name" and v} == dict(Counter(f.check for f in read_run(corpus / row["name"])[1]))
    totals = {c["check"]: c["flags"] for c in data["checks"]}
    assert totals == {code: sum(row[code] for row in data["flags_by_check"]) for code in codes}
    assert list(totals.values()) == sorted(totals.values(), reverse=True)  # the dominant checks first


def test_terms_show_their_renderings_per_document_in_original_case(corpus):
    terms = {t["zh"]: t for t in corpus_json(corpus)["terms_across_documents"]}
    lord = terms["耶和华"]
    assert lord["renderings"][0]["text"] == "LORD"  # as written, not "lord"
    for name in lord["documents"]:
        links, _ = read_run(corpus / name)
        in_text = sum(link.zh.count("耶和华") for link in links if link.zh and link.en)
        assert sum(d["count"] for r in lord["renderings"] for d in r["by_document"] if d["document"] == name) == in_text
    assert set(lord["documents"]) == {"lev-3", "lev-4", "num-28", "num-29"}
    for t in terms.values():  # every rendering's total is its documents' counts
        for r in t["renderings"]:
            assert r["count"] == sum(d["count"] for d in r["by_document"])
            if r["kind"] in ("approved", "variant", "forbidden"):
                assert all(spelling_of(f, r["form"]) for f in r["forms"]), (r["form"], r["forms"])
        assert t["occurrences"] == sum(r["count"] for r in t["renderings"])
        assert (t["status"] == "consistent") == (len(t["renderings"]) == 1)
    statuses = [t["status"] for t in corpus_json(corpus)["terms_across_documents"]]
    assert statuses == sorted(statuses, key=["varies across documents", "varies", "consistent"].index)
    html = (corpus / "corpus.html").read_text("utf-8")
    assert "“LORD”" in html and "“lord”" not in html


def test_corpus_html_is_self_contained(corpus):
    html = (corpus / "corpus.html").read_text("utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html and "<link " not in html


@pytest.mark.browser
def test_fits_1400px_and_links_open_each_report_at_the_link(corpus, page):
    data = corpus_json(corpus)
    page.goto((corpus / "corpus.html").as_uri())
    assert page.viewport_size["width"] == 1400
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for table in page.locator("table").all():  # and no table is cut off inside its box either
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth"), table.get_attribute("id")

    # A long list of links to review is folded; opening it shows a link per flagged link.
    long = next(d for d in data["documents"] if len(d["review_links"]) > OPEN_LIST)
    cell = page.locator(f"#documents tr[data-name='{long['name']}'] td.review-links")
    assert cell.locator("details:not([open])").count() == 1 and not cell.locator("a.chip").first.is_visible()
    cell.locator("summary").click()
    assert cell.locator("a.chip").count() == len(long["review_links"]) and cell.locator("a.chip").first.is_visible()

    # From the cross-document table into the document report, at the link.
    finding = data["sentences_across_documents"][0]
    other = finding["others"][0]
    page.locator("#sentences tbody tr").first.locator(".links a.chip").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{other['document']}/report.html#link-{other['link']}")
    row = page.locator(f"#link-{other['link']}")
    assert "focus" in row.get_attribute("class") and row.is_visible()
    # in full view, and clear of the report's sticky header (the browser's own jump to the
    # anchor leaves the row at the very top, under it)
    assert row.evaluate("r => { const b = r.getBoundingClientRect(); "
                        "const h = document.querySelector('header').getBoundingClientRect(); "
                        "return b.top >= h.bottom && b.bottom <= innerHeight; }")
    en = next(link for link in read_run(corpus / other["document"])[0] if link.index == other["link"]).en
    assert row.locator("td.en").inner_text() == en

    # From a heatmap cell into the document report, filtered to that check.
    page.go_back()
    cell = page.locator("#by-check tbody td.cell a").first
    href = cell.get_attribute("href")
    name, code = re.match(r"(.+)/report\.html#check=(.+)", href).groups()
    cell.click()
    page.wait_for_load_state()
    assert page.input_value("#f-check") == code
    shown = page.locator("tr.pair:not(.hidden)")
    flagged = {f.link for f in read_run(corpus / name)[1] if f.check == code}
    assert shown.count() == len(flagged) > 0 and cell_count(data, name, code) >= len(flagged)
    assert all(code in r.get_attribute("data-flags") for r in shown.all())


def spelling_of(text: str, form: str) -> bool:
    """``text`` is ``form`` in another case or spacing, or with its last word inflected."""
    *head, last = normalise_for_matching(text).split()
    *form_head, form_last = normalise_for_matching(form).split()
    return head == form_head and last[:3] == form_last[:3]


def cell_count(data: dict, name: str, code: str) -> int:
    return next(row[code] for row in data["flags_by_check"] if row["name"] == name)
