"""The corpus report of ``align batch``: ``corpus.html``, ``corpus.xlsx``, ``corpus.json``.

Documents are ranked by how much needs a reviewer's eye: the number of links carrying an
error or warning flag (ties broken by errors). Failed documents are listed first with
their error. Findings across documents (a glossary term or a sentence rendered differently in
different documents) are computed by ``align.batch`` and passed in.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment

from align.fileio import write_json, write_text
from align.model import SEVERITIES, Flag
from align.report.staging import staged_files
from align.report.xlsx import Sheet, write_workbook
from align.summary import LOW_CONFIDENCE

if TYPE_CHECKING:  # pragma: no cover
    from align.batch import DocumentResult

CORPUS_FILES = ("corpus.json", "corpus.html", "corpus.xlsx")
REVIEW_SEVERITIES = ("error", "warning")


def document_rows(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    """One row per document, failed ones first, then ranked by links needing review."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"name": r.item.name, "zh": str(r.item.zh), "en": str(r.item.en)}
        if not r.ok:
            rows.append({**row, "status": "failed", "failure": r.error})
            continue
        review = {f.link for f in r.flags if f.severity in REVIEW_SEVERITIES}
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
                "report": f"{r.item.name}/report.html",
            }
        )
    failed = [row for row in rows if row["status"] == "failed"]
    ranked = sorted(
        (row for row in rows if row["status"] == "ok"),
        key=lambda row: (-row["links_to_review"], -row["error"]),
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


def finding_rows(findings: Sequence[tuple[str, Flag]]) -> list[dict[str, Any]]:
    return [
        {
            "document": doc,
            "link": f.link,
            "check": f.check,
            "severity": f.severity,
            "message": f.message,
            "zh": f.zh,
            "en": f.en,
            "evidence": json.dumps(f.evidence, ensure_ascii=False) if f.evidence else "",
        }
        for doc, f in findings
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
    ``terms`` are glossary terms rendered differently across documents.
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
        write_workbook(
            staging / "corpus.xlsx",
            {
                "documents": Sheet(pd.DataFrame(documents), doc_fills),
                "flags_by_check": Sheet(pd.DataFrame(matrix, columns=["name", *codes])),
                "terms_across_documents": Sheet(
                    pd.DataFrame(list(terms), columns=["zh", "approved", "documents", "renderings"])
                ),
                "sentences_across_documents": Sheet(
                    pd.DataFrame(finding_table, columns=["document", "link", "check", "severity", "message", "zh", "en", "evidence"]),
                    {(i, "severity"): f["severity"] for i, f in enumerate(finding_table)},
                ),
            },
        )
    return {name: out / name for name in CORPUS_FILES}


def render_corpus(data: dict[str, Any], codes: list[str]) -> str:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    peak = max([row[c] for row in data["flags_by_check"] for c in codes] or [1]) or 1
    return env.from_string(TEMPLATE).render(data=data, codes=codes, peak=peak, severities=SEVERITIES)


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>align corpus report ({{ data.totals.documents }} documents)</title>
<style>
body { font: 14px/1.5 system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 20px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fde2e2; }
.error { color: #b00020; } .bar { display: inline-block; height: 8px; background: #d62728; vertical-align: middle; }
.meta { color: #555; }
</style>
</head>
<body>
<h1>Corpus report</h1>
<p class="meta">{{ data.totals.documents }} documents ({{ data.totals.failed }} failed) ·
{% for s in severities %}{{ data.totals[s] }} {{ s }}{% if not loop.last %}, {% endif %}{% endfor %} flags</p>

<h2>Documents, most to review first</h2>
<table id="documents">
<thead><tr><th>rank</th><th>document</th><th>links</th><th>links to review</th><th>share</th>
{% for s in severities %}<th>{{ s }}</th>{% endfor %}<th>low confidence</th><th>mean confidence</th><th>status</th></tr></thead>
<tbody>
{% for row in data.documents %}
{% if row.status == "failed" %}
<tr class="failed" data-name="{{ row.name }}"><td>–</td><td>{{ row.name }}</td><td colspan="{{ 6 + severities | length }}" class="error">failed: {{ row.failure }}</td></tr>
{% else %}
<tr data-name="{{ row.name }}"><td class="num">{{ row.rank }}</td><td><a href="{{ row.report }}">{{ row.name }}</a></td>
<td class="num">{{ row.links }}</td><td class="num">{{ row.links_to_review }}</td>
<td><span class="bar" style="width: {{ (row.share_to_review * 120) | round | int }}px"></span> {{ '%.0f' % (row.share_to_review * 100) }}%</td>
{% for s in severities %}<td class="num">{{ row[s] }}</td>{% endfor %}
<td class="num">{{ row.low_confidence }}</td><td class="num">{{ row.mean_confidence }}</td><td>ok</td></tr>
{% endif %}
{% endfor %}
</tbody>
</table>

<h2>Flags per document and check</h2>
{% if codes %}
<table id="by-check">
<thead><tr><th>document</th>{% for c in codes %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in data.flags_by_check %}
<tr><td>{{ row.name }}</td>{% for c in codes %}<td class="num" style="background: rgba(214, 39, 40, {{ '%.2f' % (0.6 * row[c] / peak) }})">{{ row[c] }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="meta">No flags.</p>{% endif %}

<h2>Glossary terms rendered differently across documents</h2>
{% if data.terms_across_documents %}
<table id="terms">
<thead><tr><th>Chinese</th><th>approved English</th><th>documents</th><th>renderings found</th></tr></thead>
<tbody>
{% for t in data.terms_across_documents %}
<tr><td>{{ t.zh }}</td><td>{{ t.approved }}</td><td class="num">{{ t.documents }}</td><td>{{ t.renderings }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="meta">No glossary term is rendered differently across documents.</p>{% endif %}

<h2>Sentences rendered differently across documents</h2>
{% if data.sentences_across_documents %}
<table id="sentences">
<thead><tr><th>document</th><th>link</th><th>check</th><th>severity</th><th>message</th><th>Chinese</th><th>English</th></tr></thead>
<tbody>
{% for f in data.sentences_across_documents %}
<tr><td>{{ f.document }}</td><td class="num">{{ f.link }}</td><td>{{ f.check }}</td><td>{{ f.severity }}</td><td>{{ f.message }}</td><td>{{ f.zh }}</td><td>{{ f.en }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="meta">No sentence is rendered differently across documents.</p>{% endif %}
</body>
</html>
"""
