"""The adequacy score (``adequacy.score``): one calibrated probability per link that the
English does not say what the Chinese says.

A logistic regression over a few signals, absolute ones and ones measured against the
link's own document where a document has a typical level (free translations score lower
everywhere, so a low cosine means little until it is low *for this document*):

* ``m1_en_mean``: the mean per-word log probability of the English content words given the
  Chinese ones under the run's IBM Model 1 (``TranslationModel.word_log_probabilities``,
  length-normalised: the classic quality-estimation feature), less that of the model's
  typical training link; ``m1_en_document``: the median of that over the link's document
  (a system that mistranslates does so throughout);
* ``length``: the size of the link (log Chinese characters): more text, more room for error;
* ``cosine_z``: the link's alignment confidence, in robust z-units of its document's links;
* ``en_gaps_rel``: how many English content words the word aligner finds rendering nothing
  in the Chinese (log scale), above the document's median;
* ``flagged``: another check raised an error or warning on the link.

``link_features`` computes more candidates (raw cosine, coverage of either side, the
Chinese-side Model 1 scores, gap counts, length ratio); ``scripts/fit_adequacy.py
--features`` fits any subset of them, and they are kept in each flag's evidence.

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

FEATURES = ("m1_en_mean", "m1_en_document", "length", "cosine_z", "en_gaps_rel", "flagged")
# fitted by scripts/fit_adequacy.py (see benchmarks/README.md, "MQM"); means/scales standardise
COEFFICIENTS = {"m1_en_mean": -0.4605, "m1_en_document": -0.3850, "length": 0.1154, "cosine_z": -0.2600,
                "en_gaps_rel": 0.1455, "flagged": 0.3935}
MEANS = {"m1_en_mean": -0.0426, "m1_en_document": -0.0476, "length": 3.6351, "cosine_z": -0.5108,
         "en_gaps_rel": -0.0580, "flagged": 0.1052}
SCALES = {"m1_en_mean": 0.6825, "m1_en_document": 0.3302, "length": 0.6708, "cosine_z": 1.7495,
          "en_gaps_rel": 0.6351, "flagged": 0.3068}
INTERCEPT = 0.5944
THRESHOLD = 0.77
_MIN_DOCUMENT = 5  # links needed before a document's own median and spread are trusted
_TYPICAL = (0.5, 0.15)  # (median, spread) of link confidence used for a shorter document
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_ACTIONABLE = ("error", "warning")
_REASONS = {
    "m1_en_mean": "English words are unlikely translations of the Chinese words",
    "m1_en_document": "the whole document's English words are unlikely translations",
    "length": "a long passage",
    "cosine_z": "the sentence meanings match poorly for this document",
    "en_gaps_rel": "English content words render nothing in the Chinese",
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


def _model1_scores(model, alignment) -> tuple[float, float, float, float]:
    """(mean, min) per-word Model 1 log probability of the English given the Chinese, then of
    the Chinese given the English, each less the model's typical training link's mean (0.0
    for a side without content words): the level falls as the training corpus grows, so a
    link is read against the corpus its model learnt from."""
    en, zh = model.word_log_probabilities(alignment)
    return (float(en.mean()) - model.typical_en if en.size else 0.0,
            float(en.min()) - model.typical_en if en.size else 0.0,
            float(zh.mean()) - model.typical_zh if zh.size else 0.0,
            float(zh.min()) - model.typical_zh if zh.size else 0.0)


def _relative(values: Sequence[float]) -> list[float]:
    """Each value less its document's median (0.0 in a document too short to have one)."""
    if len(values) < _MIN_DOCUMENT:
        return [0.0] * len(values)
    typical = statistics.median(values)
    return [v - typical for v in values]


def link_features(ctx: CheckContext, flags: Iterable[Flag]) -> dict[int, dict[str, float]]:
    """Link index → the raw signals of every two-sided link of the run."""
    from align.wordalign import link_alignments, translation_model

    paired = [link for link in ctx.links if not link.one_sided]
    if not paired:
        return {}
    alignments = [link_alignments(ctx)[link.index] for link in paired]
    model = translation_model(ctx)
    flagged = raised(flags)
    median, spread = _robust([link.score for link in paired])
    ratios = [_log_ratio(link) for link in paired]
    ratio_median = statistics.median(ratios) if len(ratios) >= _MIN_DOCUMENT else 0.5
    zh_gaps = [math.log1p(len(a.unaligned_zh())) for a in alignments]
    en_gaps = [math.log1p(len(a.unaligned_en())) for a in alignments]
    m1 = [_model1_scores(model, a) for a in alignments]
    en_m1_rel = _relative([m[0] for m in m1])
    columns = {"zh_gaps_rel": _relative(zh_gaps), "en_gaps_rel": _relative(en_gaps),
               "m1_en_document": [m[0] - rel for m, rel in zip(m1, en_m1_rel)]}
    out: dict[int, dict[str, float]] = {}
    for k, (link, alignment, ratio) in enumerate(zip(paired, alignments, ratios)):
        out[link.index] = {
            "cosine": link.score,
            "cosine_z": (link.score - median) / spread,
            "zh_unrendered": 1.0 - alignment.zh_coverage(),
            "en_unrendered": 1.0 - alignment.en_coverage(),
            "zh_gaps": zh_gaps[k], "en_gaps": en_gaps[k],
            "m1_en_mean": m1[k][0], "m1_en_min": m1[k][1], "m1_zh_mean": m1[k][2], "m1_zh_min": m1[k][3],
            **{name: column[k] for name, column in columns.items()},
            "length_off": abs(ratio - ratio_median),
            "ratio_abs": abs(ratio - 0.5),
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
    # the links the reviewer is already sent to: another check's flag that *is* an error or
    # warning (a code declared a warning may be raised as info, e.g. a glossary term's variant)
    shown = {f.link for f in flags if not f.check.startswith("adequacy.") and f.severity in _ACTIONABLE}
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
            severity="info" if index in shown else None,
            evidence={"probability": round(p, 3), "threshold": threshold,
                      "signals": {name: round(value, 3) for name, value in features.items()},
                      "reasons": top},
        )
