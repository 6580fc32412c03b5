"""The adequacy score (``adequacy.score``): one calibrated probability per link that the
English does not say what the Chinese says.

A logistic regression over a few signals, each measured against the link's own document
where a document has a typical level (free translations score lower everywhere, so a low
cosine means little until it is low *for this document*):

* ``cosine_z``: the link's alignment confidence, in robust z-units of its document's links;
* ``zh_gaps_rel`` / ``en_gaps_rel``: how many content words the word aligner finds rendering
  nothing on the other side (log scale), above the document's median;
* ``length_off``: how far the link's length ratio (Chinese characters per English word) is
  from its document's median (log scale);
* ``length``: the size of the link (log Chinese characters): more text, more room for error;
* ``flagged``: another check raised an error or warning on the link.

The coefficients below were fitted by ``scripts/fit_adequacy.py`` on the development
documents of the WMT23 zh→en MQM set, with whole documents held out for cross-validation,
and are shipped here: no fitting happens at run time. A link whose probability reaches
``threshold`` gets a ``warning`` naming the signals that weigh most — or, when another
check already raised an error or warning on it, an ``info`` flag: the reviewer is sent to
the pair once, and the score stands beside the finding that explains it.
"""
from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence

from align.checks.registry import CheckContext, register
from align.model import Flag, Link

FEATURES = ("cosine_z", "zh_gaps_rel", "en_gaps_rel", "length_off", "length", "flagged")
# fitted by scripts/fit_adequacy.py (see benchmarks/README.md, "MQM"); means/scales standardise
COEFFICIENTS = {"cosine_z": -0.2923, "zh_gaps_rel": 0.0407, "en_gaps_rel": 0.1974, "length_off": 0.0843,
                "length": 0.4007, "flagged": 0.3410}
MEANS = {"cosine_z": -0.5108, "zh_gaps_rel": -0.0649, "en_gaps_rel": -0.0705, "length_off": 0.1298, "length": 3.6351,
         "flagged": 0.1390}
SCALES = {"cosine_z": 1.7495, "zh_gaps_rel": 0.6133, "en_gaps_rel": 0.6205, "length_off": 0.1261, "length": 0.6708,
          "flagged": 0.3460}
INTERCEPT = 0.5128
THRESHOLD = 0.76
_MIN_DOCUMENT = 5  # links needed before a document's own median and spread are trusted
_TYPICAL = (0.5, 0.15)  # (median, spread) of link confidence used for a shorter document
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_ACTIONABLE = ("error", "warning")
_REASONS = {
    "cosine_z": "the sentence meanings match poorly for this document",
    "zh_gaps_rel": "Chinese content words have no rendering",
    "en_gaps_rel": "English content words render nothing in the Chinese",
    "length_off": "the length ratio is unusual for this document",
    "length": "a long passage",
    "flagged": "other checks flag it",
}


def _log_ratio(link: Link) -> float:
    return math.log((len(_HAN.findall(link.zh)) + 1) / (len(_WORD.findall(link.en)) + 1))


def _robust(values: Sequence[float]) -> tuple[float, float]:
    if len(values) < _MIN_DOCUMENT:
        return _TYPICAL
    median = statistics.median(values)
    spread = 1.4826 * statistics.median(abs(v - median) for v in values)
    return median, max(spread, 0.05)


def raised(flags: Iterable[Flag]) -> set[int]:
    """Links another check flagged with a code whose declared severity is error or warning:
    the declared one, not the user's, so configuring another code's severity leaves the
    score as it is."""
    from align.checks.registry import check_of

    return {f.link for f in flags
            if not f.check.startswith("adequacy.") and check_of(f.check).severity[f.check] in _ACTIONABLE}


def link_features(ctx: CheckContext, flags: Iterable[Flag]) -> dict[int, dict[str, float]]:
    """Link index → the raw signals of every two-sided link of the run."""
    from align.wordalign import link_alignments

    paired = [link for link in ctx.links if not link.one_sided]
    if not paired:
        return {}
    alignments = link_alignments(ctx)
    flagged = raised(flags)
    median, spread = _robust([link.score for link in paired])
    ratios = [_log_ratio(link) for link in paired]
    ratio_median = statistics.median(ratios) if len(ratios) >= _MIN_DOCUMENT else 0.5
    zh_gaps = [math.log1p(len(alignments[link.index].unaligned_zh())) for link in paired]
    en_gaps = [math.log1p(len(alignments[link.index].unaligned_en())) for link in paired]
    zh_typical = statistics.median(zh_gaps) if len(paired) >= _MIN_DOCUMENT else None
    en_typical = statistics.median(en_gaps) if len(paired) >= _MIN_DOCUMENT else None
    out: dict[int, dict[str, float]] = {}
    for link, ratio, zh_gap, en_gap in zip(paired, ratios, zh_gaps, en_gaps):
        out[link.index] = {
            "cosine_z": (link.score - median) / spread,
            "zh_gaps_rel": zh_gap - zh_typical if zh_typical is not None else 0.0,
            "en_gaps_rel": en_gap - en_typical if en_typical is not None else 0.0,
            "length_off": abs(ratio - ratio_median),
            "length": math.log1p(len(_HAN.findall(link.zh))),
            "flagged": float(link.index in flagged),
        }
    return out


def contributions(features: dict[str, float]) -> dict[str, float]:
    """Each signal's share of the log-odds (coefficient × standardised value)."""
    return {name: COEFFICIENTS[name] * (features[name] - MEANS[name]) / SCALES[name] for name in FEATURES}


def probability(features: dict[str, float]) -> float:
    z = INTERCEPT + sum(contributions(features).values())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@register("adequacy.score", scope="summary", options={"threshold": THRESHOLD},
          severity={"adequacy.score": "warning"})
def score(ctx: CheckContext, flags: list[Flag]) -> Iterator[Flag]:
    """A link whose calibrated probability of a meaning error reaches the threshold."""
    threshold = float(ctx.option("adequacy.score", "threshold"))
    by_index = {link.index: link for link in ctx.links}
    flagged = raised(flags)
    for index, features in link_features(ctx, flags).items():
        p = probability(features)
        if p < threshold:
            continue
        parts = contributions(features)
        top = [name for name in sorted(parts, key=parts.get, reverse=True) if parts[name] > 0][:3]
        reasons = "; ".join(_REASONS[name] for name in top)
        yield ctx.flag(
            by_index[index], "adequacy.score",
            f"The English may not say what the Chinese says (probability {p:.2f}): {reasons}.",
            severity="info" if index in flagged else None,
            evidence={"probability": round(p, 3), "threshold": threshold,
                      "signals": {name: round(value, 3) for name, value in features.items()},
                      "reasons": top},
        )
