"""The corpus report of ``align batch``: ``corpus.html``, ``corpus.xlsx``, ``corpus.json``.

Documents are ranked by the share of their links that need a reviewer's eye (a link
carrying an error or warning flag), so a short document with a third of its links to
review comes before a long one with more links but a smaller share; both the share and
the counts are shown. Failed documents are listed first with their error. Every link
reference points into that document's ``report.html`` at the link (``#link-N``), every
heatmap cell at the check (``#check=CODE``). Findings across documents (a sentence
rendered differently in different documents) and the glossary terms' renderings per
document are computed by the caller and passed in. ``corpus.html`` is one self-contained
file that fits the window (no horizontal scrolling at 1,400 px); long lists fold away.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment

from align.fileio import write_json, write_text
from align.model import SEVERITIES, Flag
from align.report.highlight import worst_severity
from align.report.staging import staged_files
from align.report.xlsx import Sheet, write_workbook
from align.summary import LOW_CONFIDENCE

if TYPE_CHECKING:  # pragma: no cover
    from align.batch import DocumentResult

CORPUS_FILES = ("corpus.json", "corpus.html", "corpus.xlsx")
REVIEW_SEVERITIES = ("error", "warning")
OPEN_LIST = 12  # lists up to this long are shown open; longer ones fold into <details>


def report_href(document: str, link: int | None = None) -> str:
    """A document's report, at one link if given (``report.html`` rows are ``#link-N``)."""
    return f"{document}/report.html" + (f"#link-{link}" if link is not None else "")


def review_links(flags: Sequence[Flag]) -> list[dict[str, Any]]:
    """The links needing review, in document order, each with its worst severity and checks."""
    by_link: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        if f.severity in REVIEW_SEVERITIES:
            by_link[f.link].append(f)
    return [
        {"link": link, "severity": worst_severity(fs), "checks": sorted({f.check for f in fs})}
        for link, fs in sorted(by_link.items())
    ]


def document_rows(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    """One row per document, failed ones first, then ranked by the share of links to review
    (ties: more links to review, then more errors, then the name)."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"name": r.item.name, "zh": str(r.item.zh), "en": str(r.item.en)}
        if not r.ok:
            rows.append({**row, "status": "failed", "failure": r.error})
            continue
        review = review_links(r.flags)
        s = r.summary
        rows.append(
            {
                **row,
                "status": "ok",
                "failure": "",
                "links": s["links"],
                "links_to_review": len(review),
                "share_to_review": round(len(review) / s["links"], 3) if s["links"] else 0.0,
                "flags": s["flags"],
                **s["by_severity"],
                "low_confidence": s["confidence"][f"below_{LOW_CONFIDENCE}"],
                "mean_confidence": s["confidence"]["mean"],
                "report": report_href(r.item.name),
                "review_links": review,
            }
        )
    failed = [row for row in rows if row["status"] == "failed"]
    ranked = sorted(
        (row for row in rows if row["status"] == "ok"),
        key=lambda row: (-row["share_to_review"], -row["links_to_review"], -row["error"], row["name"]),
    )
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return failed + ranked


def check_matrix(results: Sequence[DocumentResult]) -> tuple[list[str], list[dict[str, Any]]]:
    """Flags per document and check code: (codes, ``[{"name": ..., code: n, ...}]``)."""
    codes = sorted({f.check for r in results if r.ok for f in r.flags})
    matrix = []
    for r in results:
        if r.ok:
            counts = {code: 0 for code in codes}
            for f in r.flags:
                counts[f.check] += 1
            matrix.append({"name": r.item.name, **counts})
    return codes, matrix


def check_totals(results: Sequence[DocumentResult], codes: Sequence[str]) -> list[dict[str, Any]]:
    """Per check code across the corpus: flags by severity, flagged links and documents;
    the checks that dominate first."""
    rows = []
    for code in codes:
        by_severity = Counter({s: 0 for s in SEVERITIES})
        links = documents = 0
        for r in results:
            mine = [f for f in r.flags if f.check == code] if r.ok else []
            by_severity.update(f.severity for f in mine)
            links += len({f.link for f in mine})
            documents += bool(mine)
        rows.append({"check": code, "flags": sum(by_severity.values()), "links": links,
                     "documents": documents, **by_severity})
    return sorted(rows, key=lambda row: (-row["flags"], row["check"]))


def finding_rows(findings: Sequence[tuple[str, Flag]]) -> list[dict[str, Any]]:
    """Cross-document findings; ``others`` are the links elsewhere they disagree with."""
    return [
        {
            "document": doc,
            "link": f.link,
            "check": f.check,
            "severity": f.severity,
            "message": f.message,
            "zh": f.zh,
            "en": f.en,
            "others": [{"document": o.get("doc", doc), "link": o["link"]} for o in f.evidence.get("others", [])],
        }
        for doc, f in findings
    ]


def term_sheet_rows(terms: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The term-consistency table flattened for Excel: one row per term, rendering and document."""
    return [
        {"zh": t["zh"], "approved": t["approved"], "status": t["status"], "rendering": r["text"],
         "kind": r["kind"], "forms": " | ".join(r["forms"]), "document": d["document"], "count": d["count"],
         "first_link": d["link"]}
        for t in terms for r in t["renderings"] for d in r["by_document"]
    ]


def write_corpus(
    results: Sequence[DocumentResult],
    out_dir: str | Path,
    *,
    findings: Sequence[tuple[str, Flag]] = (),
    terms: Sequence[dict[str, Any]] = (),
) -> dict[str, Path]:
    """Write the three corpus files into ``out_dir`` (staged, then renamed into place).

    ``findings`` are ``(document, flag)`` pairs from the cross-document consistency checks;
    ``terms`` are the rows of :func:`align.glossary.termmine.term_consistency`.
    """
    import pandas as pd

    out = Path(out_dir)
    documents = document_rows(results)
    codes, matrix = check_matrix(results)
    finding_table = finding_rows(findings)
    totals = {s: sum(row.get(s, 0) for row in documents if row["status"] == "ok") for s in SEVERITIES}
    data = {
        "documents": documents,
        "flags_by_check": matrix,
        "checks": check_totals(results, codes),
        "terms_across_documents": list(terms),
        "sentences_across_documents": finding_table,
        "totals": {
            "documents": len(documents),
            "failed": sum(row["status"] == "failed" for row in documents),
            **totals,
        },
    }
    with staged_files(out, CORPUS_FILES) as staging:
        write_json(staging / "corpus.json", data)
        write_text(staging / "corpus.html", render_corpus(data, codes))
        doc_fills = {(i, "failure"): "error" for i, row in enumerate(documents) if row["status"] == "failed"}
        doc_sheet = [
            {**{k: v for k, v in row.items() if k != "review_links"},
             "review_links": " ".join(str(r["link"]) for r in row.get("review_links", []))}
            for row in documents
        ]
        write_workbook(
            staging / "corpus.xlsx",
            {
                "documents": Sheet.of_frame(pd.DataFrame(doc_sheet), doc_fills),
                "flags_by_check": Sheet.of_frame(pd.DataFrame(matrix, columns=["name", *codes])),
                "terms_across_documents": Sheet.of_frame(
                    pd.DataFrame(term_sheet_rows(terms), columns=["zh", "approved", "status", "rendering", "kind",
                                                                 "forms", "document", "count", "first_link"])
                ),
                "sentences_across_documents": Sheet.of_frame(
                    pd.DataFrame(
                        [{**f, "others": " ".join(f"{o['document']}#{o['link']}" for o in f["others"])}
                         for f in finding_table],
                        columns=["document", "link", "check", "severity", "message", "zh", "en", "others"],
                    ),
                    {(i, "severity"): f["severity"] for i, f in enumerate(finding_table)},
                ),
            },
        )
    return {name: out / name for name in CORPUS_FILES}


def heat(count: int, peak: int) -> str:
    """A heatmap cell's background: transparent at 0, full red at the corpus peak
    (square-root scale, so a handful of flags still shows against a check with hundreds)."""
    alpha = 0.0 if not count else 0.12 + 0.78 * math.sqrt(count / max(peak, 1))
    return f"rgba(214, 39, 40, {alpha:.2f})"


def code_groups(codes: Sequence[str]) -> list[tuple[str, int]]:
    """Consecutive codes grouped by category (``glossary.missing_term`` → ``glossary``)."""
    groups: list[tuple[str, int]] = []
    for code in codes:
        category = code.split(".", 1)[0]
        if groups and groups[-1][0] == category:
            groups[-1] = (category, groups[-1][1] + 1)
        else:
            groups.append((category, 1))
    return groups


def render_corpus(data: dict[str, Any], codes: list[str]) -> str:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(heat=heat, href=report_href, open_list=OPEN_LIST)
    cells = [row[c] for row in data["flags_by_check"] for c in codes]
    peak_check = max([c["flags"] for c in data["checks"]] or [1]) or 1
    column_totals = {c: sum(row[c] for row in data["flags_by_check"]) for c in codes}
    row_totals = {row["name"]: sum(row[c] for c in codes) for row in data["flags_by_check"]}
    return env.from_string(TEMPLATE).render(
        data=data, codes=codes, groups=code_groups(codes), peak=max(cells or [1]) or 1,
        peak_check=peak_check, column_totals=column_totals, row_totals=row_totals, severities=SEVERITIES,
    )


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>align corpus report ({{ data.totals.documents }} documents)</title>
<style>
:root { --error: #d62728; --warning: #e08a00; --info: #1f77b4; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 0; padding: 16px 20px 40px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 6px; }
p.note, .meta { color: #555; font-size: 12px; }
p.note { margin: 0 0 8px; max-width: 80em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f4f4f4; font-size: 12px; font-weight: 600; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fde2e2; }
.sev-error { --sev: var(--error); } .sev-warning { --sev: var(--warning); } .sev-info { --sev: var(--info); }
.failure { color: var(--error); }
.share { display: flex; align-items: center; gap: 6px; }
.share .track { flex: 1 1 auto; max-width: 140px; height: 9px; background: #eee; border-radius: 2px; }
.share .fill { display: block; height: 9px; background: var(--error); border-radius: 2px; }
.share b { font-variant-numeric: tabular-nums; min-width: 3em; text-align: right; }
.links { display: flex; flex-wrap: wrap; gap: 3px; margin-top: 3px; }
a.chip { display: inline-block; border: 1px solid var(--sev, #999); border-left-width: 4px; border-radius: 3px;
  padding: 0 4px; font-size: 11px; line-height: 16px; text-decoration: none; color: #222; font-variant-numeric: tabular-nums; }
a.chip:hover { background: #f3f3f3; }
details > summary { cursor: pointer; color: #0645ad; font-size: 12px; }
details.section > summary { font-size: 13px; margin: 4px 0; }
col.c-rank { width: 3.5em; } col.c-doc { width: 14%; } col.c-share { width: 13em; } col.c-count { width: 6.5em; } col.c-conf { width: 7em; }
/* heatmap: one column per check code, its name written upwards so the matrix fits the window */
table.heatmap th.code { height: 11em; vertical-align: bottom; padding: 4px 0; text-align: center; }
table.heatmap th.code span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 500; }
table.heatmap th.group { text-align: center; }
table.heatmap td.cell { text-align: center; padding: 3px 1px; font-variant-numeric: tabular-nums; font-size: 12px; }
table.heatmap td.cell a { color: inherit; text-decoration: none; display: block; }
table.heatmap td.cell a:hover { outline: 2px solid #333; }
table.heatmap td.zero { color: #bbb; }
table.heatmap tfoot td { font-weight: 600; background: #fafafa; }
col.c-docname { width: 12em; } col.c-total { width: 4.5em; }
.stack { display: flex; height: 12px; background: #f2f2f2; border-radius: 2px; overflow: hidden; }
.stack span { display: block; height: 12px; background: var(--sev); }
.legend span { display: inline-block; width: 10px; height: 10px; background: var(--sev); margin: 0 3px 0 10px; vertical-align: middle; }
.status { font-size: 11px; border-radius: 8px; padding: 0 6px; border: 1px solid var(--line); white-space: nowrap; }
.status.varies { background: #fff1d6; border-color: var(--warning); }
.status.consistent { background: #e7f5e7; border-color: #6a6; }
ul.renderings { list-style: none; margin: 0; padding: 0; }
ul.renderings > li { margin-bottom: 4px; }
.kind { font-size: 11px; color: #555; border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; }
.kind.forbidden { color: var(--error); border-color: var(--error); }
.kind.missing { color: var(--warning); border-color: var(--warning); }
.docs a { font-size: 12px; margin-right: 6px; white-space: nowrap; }
</style>
</head>
<body>
{% macro link_chips(items, noun, doc_label=false) %}
{# items: (document, link, severity, title); folded away when the list is long #}
{% set chips %}<span class="links">{% for doc, link, sev, title in items %}<a class="chip sev-{{ sev }}" href="{{ href(doc, link) }}" title="{{ title }}">{% if doc_label %}{{ doc }} {% endif %}{{ link }}</a>{% endfor %}</span>{% endset %}
{% if items | length > open_list %}<details><summary>{{ items | length }} {{ noun }}</summary>{{ chips }}</details>{% elif items %}{{ chips }}{% else %}<span class="meta">none</span>{% endif %}
{% endmacro %}
<header>
<h1>Corpus report</h1>
<p class="meta">{{ data.totals.documents }} documents ({{ data.totals.failed }} failed) ·
{% for s in severities %}{{ data.totals[s] }} {{ s }}{% if not loop.last %}, {% endif %}{% endfor %} flags ·
every document name and link number opens that document's report (at the link)</p>
</header>

<h2>Documents, most to review first</h2>
<p class="note">Ranked by the share of links with an error or warning flag; the counts are beside it.</p>
<table id="documents">
<colgroup><col class="c-rank"><col class="c-doc"><col class="c-share">{% for s in severities %}<col class="c-count">{% endfor %}<col class="c-count"><col class="c-conf"><col></colgroup>
<thead><tr><th>rank</th><th>document</th><th>links to review</th>
{% for s in severities %}<th class="num">{{ s }}</th>{% endfor %}<th class="num">low confidence</th><th class="num">mean confidence</th><th>links to review (open the report at the link)</th></tr></thead>
<tbody>
{% for row in data.documents %}
{% if row.status == "failed" %}
<tr class="failed" data-name="{{ row.name }}"><td>–</td><td>{{ row.name }}</td><td colspan="{{ 4 + severities | length }}" class="failure">failed: {{ row.failure }}</td></tr>
{% else %}
<tr data-name="{{ row.name }}" data-share="{{ row.share_to_review }}"><td class="num">{{ row.rank }}</td>
<td><a href="{{ row.report }}">{{ row.name }}</a></td>
<td><div class="share"><span class="track"><span class="fill" style="width: {{ '%.1f' % (row.share_to_review * 100) }}%"></span></span><b>{{ '%.0f' % (row.share_to_review * 100) }}%</b></div>
<span class="meta">{{ row.links_to_review }} of {{ row.links }} links</span></td>
{% for s in severities %}<td class="num">{{ row[s] }}</td>{% endfor %}
<td class="num">{{ row.low_confidence }}</td><td class="num">{{ '%.2f' % row.mean_confidence }}</td>
<td class="review-links">{% set items = [] %}{% for r in row.review_links %}{% set _ = items.append((row.name, r.link, r.severity, r.checks | join(", "))) %}{% endfor %}{{ link_chips(items, "links") }}</td></tr>
{% endif %}
{% endfor %}
</tbody>
</table>

<h2>Where the flags are: documents × checks</h2>
{% if codes %}
<p class="note">Flags per document and check; the darker the cell, the more flags (square-root scale). A cell opens the document's report filtered to that check.</p>
<table id="by-check" class="heatmap">
<colgroup><col class="c-docname">{% for c in codes %}<col>{% endfor %}<col class="c-total"></colgroup>
<thead>
<tr><th rowspan="2">document</th>{% for group, n in groups %}<th class="group" colspan="{{ n }}">{{ group }}</th>{% endfor %}<th rowspan="2" class="num">all</th></tr>
<tr>{% for c in codes %}<th class="code" title="{{ c }}"><span>{{ c.split(".", 1)[1] if "." in c else c }}</span></th>{% endfor %}</tr>
</thead>
<tbody>
{% for row in data.flags_by_check %}
<tr data-name="{{ row.name }}"><td><a href="{{ href(row.name) }}">{{ row.name }}</a></td>
{% for c in codes %}{% if row[c] %}<td class="cell" style="background: {{ heat(row[c], peak) }}" title="{{ row.name }} · {{ c }}: {{ row[c] }} flags"><a href="{{ href(row.name) }}#check={{ c }}">{{ row[c] }}</a></td>{% else %}<td class="cell zero" title="{{ row.name }} · {{ c }}: none">·</td>{% endif %}{% endfor %}
<td class="num">{{ row_totals[row.name] }}</td></tr>
{% endfor %}
</tbody>
<tfoot><tr><td>all documents</td>{% for c in codes %}<td class="cell">{{ column_totals[c] }}</td>{% endfor %}<td class="num">{{ column_totals.values() | sum }}</td></tr></tfoot>
</table>

<h2>Which checks dominate</h2>
<p class="note legend">Flags per check across the corpus, by severity:{% for s in severities %}<span class="sev-{{ s }}"></span>{{ s }}{% endfor %}</p>
<table id="checks">
<colgroup><col style="width: 16em"><col><col class="c-count"><col class="c-count"><col style="width: 7em"></colgroup>
<thead><tr><th>check</th><th>flags</th><th class="num">flags</th><th class="num">links</th><th class="num">documents</th></tr></thead>
<tbody>
{% for c in data.checks %}
<tr><td><code>{{ c.check }}</code></td>
<td><div class="stack" style="width: {{ '%.1f' % (100 * c.flags / peak_check) }}%">{% for s in severities if c[s] %}<span class="sev-{{ s }}" style="width: {{ '%.2f' % (100 * c[s] / c.flags) }}%" title="{{ c[s] }} {{ s }}"></span>{% endfor %}</div></td>
<td class="num">{{ c.flags }}</td><td class="num">{{ c.links }}</td><td class="num">{{ c.documents }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="meta">No flags.</p>{% endif %}

<h2>Glossary terms: renderings per document</h2>
{% set varying = data.terms_across_documents | rejectattr("status", "equalto", "consistent") | list %}
{% set consistent = data.terms_across_documents | selectattr("status", "equalto", "consistent") | list %}
{% macro term_table(rows, table_id) %}
<table id="{{ table_id }}" class="terms">
<colgroup><col style="width: 10em"><col style="width: 16em"><col style="width: 11em"><col></colgroup>
<thead><tr><th>Chinese</th><th>approved English</th><th>status</th><th>renderings found: count, then documents (each opens the report at the first occurrence)</th></tr></thead>
<tbody>
{% for t in rows %}
<tr data-zh="{{ t.zh }}"><td lang="zh-CN">{{ t.zh }}</td><td>{{ t.approved }}</td>
<td><span class="status {{ 'consistent' if t.status == 'consistent' else 'varies' }}">{{ t.status }}</span><br><span class="meta">{{ t.occurrences }} in {{ t.documents | length }} document{{ "s" if t.documents | length != 1 }}</span></td>
<td><ul class="renderings">
{% for r in t.renderings %}
<li data-rendering="{{ r.text }}"><b>{{ r.text if r.kind == "missing" else "“" ~ r.text ~ "”" }}</b> <span class="kind {{ r.kind | replace(" ", "-") }}">{{ r.kind }}</span> ×{{ r.count }}
{% if r.forms | length > 1 %}<span class="meta">(written {% for f in r.forms %}“{{ f }}”{% if not loop.last %}, {% endif %}{% endfor %})</span>{% endif %}
{% set docs %}<span class="docs">{% for d in r.by_document %}<a href="{{ href(d.document, d.link) }}">{{ d.document }} ×{{ d.count }}</a>{% endfor %}</span>{% endset %}
{% if r.by_document | length > open_list %}<details><summary>{{ r.by_document | length }} documents</summary>{{ docs }}</details>{% else %}<br>{{ docs }}{% endif %}
</li>
{% endfor %}
</ul></td></tr>
{% endfor %}
</tbody>
</table>
{% endmacro %}
{% if data.terms_across_documents %}
<p class="note">Every glossary term found in the corpus, the ones rendered in more than one way first. Renderings that differ only in case are counted together; their spellings are listed.</p>
{% if varying %}{{ term_table(varying, "terms") }}{% else %}<p class="meta">Every term is rendered one way throughout.</p>{% endif %}
{% if consistent %}
<details class="section"{% if consistent | length <= open_list %} open{% endif %}><summary>{{ consistent | length }} term{{ "s" if consistent | length != 1 }} rendered one way throughout</summary>
{{ term_table(consistent, "terms-consistent") }}
</details>
{% endif %}
{% else %}<p class="meta">No glossary term occurs in the corpus (with --glossary, each term's renderings per document are shown here).</p>{% endif %}

<h2>Sentences rendered differently across documents</h2>
{% if data.sentences_across_documents %}
{% set n = data.sentences_across_documents | length %}
<details class="section"{% if n <= 2 * open_list %} open{% endif %}><summary>{{ n }} link{{ "s" if n != 1 }} whose rendering departs from another document's</summary>
<table id="sentences">
<colgroup><col style="width: 10em"><col style="width: 4.5em"><col style="width: 14em"><col style="width: 5.5em"><col><col><col style="width: 14em"></colgroup>
<thead><tr><th>document</th><th>link</th><th>check</th><th>severity</th><th>Chinese</th><th>English</th><th>elsewhere</th></tr></thead>
<tbody>
{% for f in data.sentences_across_documents %}
<tr class="sev-{{ f.severity }}"><td><a href="{{ href(f.document) }}">{{ f.document }}</a></td>
<td class="num"><a class="chip sev-{{ f.severity }}" href="{{ href(f.document, f.link) }}" title="{{ f.message }}">{{ f.link }}</a></td>
<td><code>{{ f.check }}</code></td><td>{{ f.severity }}</td><td lang="zh-CN">{{ f.zh }}</td><td lang="en">{{ f.en }}</td>
<td>{% set items = [] %}{% for o in f.others %}{% set _ = items.append((o.document, o.link, "info", o.document ~ " link " ~ o.link)) %}{% endfor %}{{ link_chips(items, "links", doc_label=true) }}</td></tr>
{% endfor %}
</tbody>
</table>
</details>
{% else %}<p class="meta">No sentence is rendered differently across documents.</p>{% endif %}
</body>
</html>
"""
