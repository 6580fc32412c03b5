"""``report.html``: one self-contained page (inline CSS and JS, nothing fetched).

Both texts side by side, one row per link; confidence as colour and number; flagged
spans marked on both sides (message on hover, details on click); filters by check,
severity and confidence; counts per check; an SVG strip of confidence along the
document so the place where alignment went wrong stands out. Every piece of document
text goes through Jinja's autoescaping or :func:`align.report.highlight.mark_spans`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from jinja2 import Environment

from align.model import SEVERITIES, Flag, Link
from align.report.highlight import mark_spans, worst_severity

CHART_WIDTH, CHART_HEIGHT = 1000, 120


def confidence_colour(score: float) -> str:
    """Red (0) through amber to green (1), as an HSL colour."""
    return f"hsl({round(120 * max(0.0, min(1.0, score)))}, 70%, 42%)"


def shown_confidence(link: Link) -> float:
    """What the report shows, colours, filters and sorts a link by: its confidence (the
    probability that it is exactly right) or, where the aligner gave none (a one-sided link, a
    reviewer's fix, a pair given by the input), its score (similarity; 0 for a one-sided link)."""
    return link.confidence if link.confidence is not None else link.score


def confidence_chart(links: Sequence[Link], flags: Sequence[Flag]) -> dict[str, Any]:
    """Coordinates for the SVG strip: one point per two-sided link, a tick per flagged link."""
    n = max(len(links) - 1, 1)
    top, bottom = 8, CHART_HEIGHT - 14

    def x(index: int) -> float:
        return round(index / n * CHART_WIDTH, 1)

    def y(score: float) -> float:
        return round(bottom - score * (bottom - top), 1)

    points = " ".join(f"{x(link.index)},{y(shown_confidence(link))}" for link in links if link.zh and link.en)
    one_sided = [x(link.index) for link in links if not (link.zh and link.en)]
    worst: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        worst[f.link].append(f)
    ticks = [(x(i), worst_severity(fs)) for i, fs in sorted(worst.items())]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": points,
        "one_sided": one_sided,
        "ticks": ticks,
        "bottom": bottom,
        "gridlines": [(v, y(v)) for v in (0.25, 0.5, 0.75, 1.0)],
    }


def report_rows(links: Sequence[Link], flags: Sequence[Flag]) -> Iterator[dict[str, Any]]:
    """One row per link, made as the page is written (never all rows at once)."""
    by_link: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        by_link[f.link].append(f)
    for link in links:
        fs = by_link.get(link.index, [])
        yield (
            {
                "link": link,
                "flags": fs,
                "worst": worst_severity(fs),
                "confidence": shown_confidence(link),
                "colour": confidence_colour(shown_confidence(link)),
                "adequacy_colour": None if link.adequacy is None else confidence_colour(1.0 - link.adequacy),
                "zh_html": mark_spans(link.zh, fs, "zh"),
                "en_html": mark_spans(link.en, fs, "en"),
                "tokens": " ".join(sorted({f"{f.check}|{f.severity}" for f in fs})),
                "one_sided": not (link.zh and link.en),
            }
        )


def report_chunks(links: Sequence[Link], flags: Sequence[Flag], summary: dict[str, Any]) -> Iterator[str]:
    """The page in pieces as Jinja produces them, for writing straight to a file."""
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(TEMPLATE).generate(
        rows=report_rows(links, flags),
        chart=confidence_chart(links, flags),
        summary=summary,
        severities=SEVERITIES,
    )


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>align report: {{ summary.zh.doc_id }} ↔ {{ summary.en.doc_id }}</title>
<style>
:root { --error: #d62728; --warning: #e08a00; --info: #1f77b4; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 0; color: #222; }
header { padding: 12px 20px; background: #f6f6f6; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
h1 { font-size: 18px; margin: 0 0 4px; }
.meta { color: #555; font-size: 12px; }
.totals { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.chip { border: 1px solid var(--line); border-radius: 12px; padding: 1px 9px; background: #fff; cursor: pointer; font-size: 12px; }
.chip b { font-variant-numeric: tabular-nums; }
.chip.sel { outline: 2px solid #333; }
.sev-error { --sev: var(--error); } .sev-warning { --sev: var(--warning); } .sev-info { --sev: var(--info); }
.chip[class*="sev-"] { border-color: var(--sev); }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; font-size: 13px; }
.filters label { display: flex; gap: 4px; align-items: center; }
#chart { width: 100%; height: 90px; display: block; background: #fff; border: 1px solid var(--line); cursor: crosshair; margin-top: 8px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: #fafafa; font-weight: 600; font-size: 12px; }
col.n { width: 4.5em; } col.conf { width: 5.5em; } col.fl { width: 24%; }
td.conf span.risk { margin-top: 4px; }
td.conf small.sim { display: block; color: #666; font-variant-numeric: tabular-nums; }
td.conf span { display: inline-block; min-width: 3.6em; text-align: center; color: #fff; border-radius: 4px; font-variant-numeric: tabular-nums; }
td.n { color: #777; font-size: 12px; }
td.n small { display: block; }
tr.one-sided td.text:empty::after { content: "—"; color: #aaa; }
tr.worst-error { box-shadow: inset 4px 0 var(--error); }
tr.worst-warning { box-shadow: inset 4px 0 var(--warning); }
tr.worst-info { box-shadow: inset 4px 0 var(--info); }
tr.focus { background: #fffbe0; }
mark { background: color-mix(in srgb, var(--sev) 22%, transparent); border-bottom: 2px solid var(--sev); cursor: pointer; color: inherit; padding: 0 1px; }
mark.active { background: color-mix(in srgb, var(--sev) 45%, transparent); }
ul.flags { list-style: none; margin: 0; padding: 0; }
ul.flags li { border-left: 3px solid var(--sev); padding: 1px 6px; margin-bottom: 4px; font-size: 12px; }
ul.flags li.active { background: #fff3c4; }
ul.flags code { font-size: 11px; color: #444; }
ul.flags .pos { color: #666; font-variant-numeric: tabular-nums; }
#popup { position: absolute; display: none; max-width: 420px; background: #222; color: #fff; padding: 6px 10px; border-radius: 6px; font-size: 12px; z-index: 5; white-space: pre-wrap; }
.hidden { display: none; }
</style>
</head>
<body>
<header>
  <h1>{{ summary.zh.doc_id }} ↔ {{ summary.en.doc_id }}</h1>
  <div class="meta">
    {{ summary.links }} links ({{ summary.zh.segments }} zh / {{ summary.en.segments }} en sentences) ·
    {{ summary.flags }} flags on {{ summary.links_flagged }} links ·
    model {{ summary.model or "?" }}
    {% if summary.glossaries %} · glossary {{ summary.glossaries | join(", ") }}{% endif %}
  </div>
  <div class="totals" id="totals">
    <span class="chip" data-check="" data-severity="">all links <b>{{ summary.links }}</b></span>
    <span class="chip" data-check="__flagged" data-severity="">flagged <b>{{ summary.links_flagged }}</b></span>
    {% for sev in severities %}
    <span class="chip sev-{{ sev }}" data-check="" data-severity="{{ sev }}">{{ sev }} <b>{{ summary.by_severity[sev] }}</b></span>
    {% endfor %}
    {% for check, counts in summary.by_check.items() %}
    <span class="chip check-count" data-check="{{ check }}" data-severity="" title="{% for sev in severities if counts[sev] %}{{ counts[sev] }} {{ sev }} {% endfor %}">{{ check }} <b>{{ counts.values() | sum }}</b></span>
    {% endfor %}
  </div>
  <div class="filters">
    <label>check
      <select id="f-check">
        <option value="">any</option>
        <option value="__flagged">any flag</option>
        <option value="__clean">no flag</option>
        {% for check in summary.by_check %}<option value="{{ check }}">{{ check }}</option>{% endfor %}
      </select>
    </label>
    <label>severity
      <select id="f-severity">
        <option value="">any</option>
        {% for sev in severities %}<option value="{{ sev }}">{{ sev }}</option>{% endfor %}
      </select>
    </label>
    <label>confidence from <input id="f-min" type="number" min="0" max="1" step="0.05" value="0" style="width:4.5em"></label>
    <label>to <input id="f-max" type="number" min="0" max="1" step="0.05" value="1" style="width:4.5em"></label>
    <label title="probability that the English does not say what the Chinese says (adequacy.score)">error risk from <input id="f-risk" type="number" min="0" max="1" step="0.05" value="0" style="width:4.5em"></label>
    <label>order
      <select id="f-order">
        <option value="document">document</option>
        <option value="risk">error risk, highest first</option>
        <option value="confidence">confidence, lowest first</option>
      </select>
    </label>
    <span id="shown" class="meta"></span>
  </div>
  <svg id="chart" viewBox="0 0 {{ chart.width }} {{ chart.height }}" preserveAspectRatio="none" role="img" aria-label="alignment confidence along the document">
    {% for value, y in chart.gridlines %}
    <line x1="0" x2="{{ chart.width }}" y1="{{ y }}" y2="{{ y }}" stroke="#eee" vector-effect="non-scaling-stroke"/>
    {% endfor %}
    {% for x in chart.one_sided %}
    <line x1="{{ x }}" x2="{{ x }}" y1="0" y2="{{ chart.bottom }}" stroke="#bbb" stroke-dasharray="2 2" vector-effect="non-scaling-stroke"><title>one-sided link</title></line>
    {% endfor %}
    <polyline points="{{ chart.points }}" fill="none" stroke="#444" stroke-width="1.2" vector-effect="non-scaling-stroke"/>
    {% for x, sev in chart.ticks %}
    <line class="sev-{{ sev }}" x1="{{ x }}" x2="{{ x }}" y1="{{ chart.bottom + 3 }}" y2="{{ chart.height }}" style="stroke: var(--sev)" stroke-width="2" vector-effect="non-scaling-stroke"/>
    {% endfor %}
  </svg>
  <div class="meta">confidence per link (line; dashed: one-sided links) and flagged links (ticks) along the document; click to jump</div>
</header>
<table id="pairs">
  <colgroup><col class="n"><col class="conf"><col><col><col class="fl"></colgroup>
  <thead><tr><th>link</th><th title="confidence: the probability that the link is exactly right (no sentence too many or too few); below it the similarity of the two sides (score) and the error risk: the probability that the English does not say what the Chinese says (adequacy.score)">confidence<br><small>similarity<br>error risk</small></th><th>中文 ({{ summary.zh.doc_id }})</th><th>English ({{ summary.en.doc_id }})</th><th>flags</th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr id="link-{{ row.link.index }}" class="pair{% if row.worst %} worst-{{ row.worst }}{% endif %}{% if row.one_sided %} one-sided{% endif %}" data-score="{{ '%.4f' % row.link.score }}" data-confidence="{{ '%.4f' % row.confidence }}"{% if row.link.adequacy is not none %} data-risk="{{ '%.3f' % row.link.adequacy }}"{% endif %} data-flags="{{ row.tokens }}">
      <td class="n">{{ row.link.index }}<small>{{ row.link.zh_ids | join(",") or "–" }} : {{ row.link.en_ids | join(",") or "–" }}</small></td>
      <td class="conf">{% if row.link.confidence is not none %}<span class="confidence" title="probability that the link is exactly right" style="background: {{ row.colour }}">{{ '%.2f' % row.link.confidence }}</span><small class="sim" title="similarity of the two sides (score)">{{ '%.2f' % row.link.score }}</small>{% else %}<span class="confidence" title="similarity of the two sides (score); the aligner gave this link no confidence" style="background: {{ row.colour }}">{{ '%.2f' % row.link.score }}</span>{% endif %}{% if row.link.adequacy is not none %}<br><span class="risk" title="error risk" style="background: {{ row.adequacy_colour }}">{{ '%.2f' % row.link.adequacy }}</span>{% endif %}</td>
      <td class="text zh" lang="zh-CN">{{ row.zh_html }}</td>
      <td class="text en" lang="en">{{ row.en_html }}</td>
      <td>{% if row.flags %}<ul class="flags">{% for f in row.flags %}<li class="flag sev-{{ f.severity }}" data-flag="{{ f.id }}"><code>{{ f.check }}</code> {{ f.severity }}{% for lang in ("zh", "en") if f.file_span(lang) %} <small class="pos" title="{{ f.file_span(lang) }}">{{ lang }} {{ f.file_span(lang).short }}</small>{% endfor %}{% if f.unit is not none and not f.position %} <small class="pos">unit {{ f.unit }}</small>{% endif %}<br>{{ f.message }}</li>{% endfor %}</ul>{% endif %}</td>
    </tr>
  {% endfor %}
  </tbody>
</table>
<div id="popup" role="tooltip"></div>
<script>
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("tr.pair"));
  const check = document.getElementById("f-check");
  const severity = document.getElementById("f-severity");
  const lo = document.getElementById("f-min");
  const hi = document.getElementById("f-max");
  const risk = document.getElementById("f-risk");
  const order = document.getElementById("f-order");
  const body = document.querySelector("#pairs tbody");
  const shown = document.getElementById("shown");
  const popup = document.getElementById("popup");

  function rowMatches(row) {
    const confidence = parseFloat(row.dataset.confidence);
    if (confidence < parseFloat(lo.value || "0") || confidence > parseFloat(hi.value || "1")) return false;
    const least = parseFloat(risk.value || "0");
    if (least > 0 && !(parseFloat(row.dataset.risk) >= least)) return false;
    const tokens = row.dataset.flags ? row.dataset.flags.split(" ") : [];
    const c = check.value, s = severity.value;
    if (c === "__clean") return tokens.length === 0 && !s;
    if (!c && !s) return true;
    return tokens.some(function (t) {
      const parts = t.split("|");
      return (!c || c === "__flagged" || parts[0] === c) && (!s || parts[1] === s);
    });
  }

  function apply() {
    let n = 0;
    rows.forEach(function (row) {
      const ok = rowMatches(row);
      row.classList.toggle("hidden", !ok);
      if (ok) n += 1;
    });
    shown.textContent = "showing " + n + " of " + rows.length + " links";
    document.querySelectorAll("#totals .chip").forEach(function (chip) {
      chip.classList.toggle("sel", chip.dataset.check === check.value && chip.dataset.severity === severity.value);
    });
  }

  [check, severity, lo, hi, risk].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });

  // the rows in document order (``rows``), by error risk or by confidence; links without a
  // risk (one-sided) go last, ties keep document order
  order.addEventListener("change", function () {
    const key = {
      risk: function (row) { return -(row.dataset.risk === undefined ? -1 : parseFloat(row.dataset.risk)); },
      confidence: function (row) { return parseFloat(row.dataset.confidence); },
    }[order.value];
    const sorted = key ? rows.slice().sort(function (a, b) { return key(a) - key(b); }) : rows;
    sorted.forEach(function (row) { body.appendChild(row); });
  });
  document.querySelectorAll("#totals .chip").forEach(function (chip) {
    chip.addEventListener("click", function () {
      check.value = chip.dataset.check;
      severity.value = chip.dataset.severity;
      apply();
    });
  });

  document.getElementById("chart").addEventListener("click", function (ev) {
    const box = ev.currentTarget.getBoundingClientRect();
    const index = Math.round((ev.clientX - box.left) / box.width * Math.max(rows.length - 1, 1));
    const row = rows[Math.min(Math.max(index, 0), rows.length - 1)];
    if (!row) return;
    rows.forEach(function (r) { r.classList.remove("focus"); });
    row.classList.remove("hidden");
    row.classList.add("focus");
    row.scrollIntoView({ block: "center" });
  });

  document.getElementById("pairs").addEventListener("click", function (ev) {
    const mark = ev.target.closest("mark");
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    rows.forEach(function (r) { r.classList.remove("focus"); });
    if (!mark) { popup.style.display = "none"; return; }
    const row = mark.closest("tr");
    row.classList.add("focus");
    const ids = mark.dataset.flags.split(" ");
    const lines = [];
    row.querySelectorAll("li.flag").forEach(function (li) {
      if (ids.indexOf(li.dataset.flag) >= 0) { li.classList.add("active"); lines.push(li.innerText); }
    });
    row.querySelectorAll("mark").forEach(function (m) {
      if (m.dataset.flags.split(" ").some(function (id) { return ids.indexOf(id) >= 0; })) m.classList.add("active");
    });
    popup.textContent = lines.join("\n\n");
    popup.style.display = "block";
    // above the mark, so the row itself (both texts) stays readable
    const box = mark.getBoundingClientRect();
    popup.style.left = (box.left + window.scrollX) + "px";
    popup.style.top = (box.top + window.scrollY - popup.offsetHeight - 6) + "px";
  });

  // Links from the corpus report: #link-N opens at that link (centred, clear of the sticky
  // header, shown even if filtered out); #check=CODE opens filtered to that check.
  function fromHash() {
    const target = decodeURIComponent(location.hash.slice(1));
    if (target.indexOf("check=") === 0) {
      check.value = target.slice(6);
      severity.value = "";
      apply();
      return;
    }
    const row = document.getElementById(target);
    if (!row || !row.classList.contains("pair")) return;
    rows.forEach(function (r) { r.classList.remove("focus"); });
    row.classList.remove("hidden");
    row.classList.add("focus");
    row.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", fromHash);

  apply();
  fromHash();
  // the browser's own jump to #link-N (row at the very top, under the sticky header) can
  // come after this script: centre the row again once the page has loaded
  window.addEventListener("load", function () { requestAnimationFrame(fromHash); });
})();
</script>
</body>
</html>
"""
