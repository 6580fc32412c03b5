"""The adequacy score (``adequacy.score``): one calibrated probability per link that the
English does not say what the Chinese says.

A logistic regression over a few signals, each measured against the link's own document
where a document has a typical level (free translations score lower everywhere, so a low
cosine means little until it is low *for this document*):

* ``cosine_z``: the link's alignment confidence, in robust z-units of its document's links;
* ``length``: the size of the link (log Chinese characters): more text, more room for error;
* ``cosine_z_by_length``: the two together — the fit gives a poor match most weight in a
  short link and less in a long one, whose one sentence vector averages many clauses (and
  whose size already speaks for an error);
* ``m1_en_document``: the median over the link's document of the mean per-word log
  probability of the English content words given the Chinese ones under the run's IBM
  Model 1 (``TranslationModel.word_log_probabilities``, length-normalised: the classic
  quality-estimation feature), less that of the model's typical training link: a translation
  whose words are unlikely renderings throughout (in a batch or a benchmark, a worse
  translator or system than the others the model learnt from);
* ``flagged``: another check raised an error or warning on the link (as that check rated
  the case: a finding it rated ``info`` does not count).

``link_features`` also computes the link's own Model 1 scores (``m1_en``, ``m1_zh``), kept
in each flag's evidence; ``scripts/fit_adequacy.py --features`` fits any subset.

Signals measured and left out (``scripts/fit_adequacy.py``, benchmarks/README.md "MQM"): the
word aligner's unrendered content words and the length ratio add a little ranking power on
machine translation but more on free human translation (KJV/CUV), so at the clean-Bible gate
they cost recall; the raw cosine likewise; and the link's own Model 1 score ``m1_en``
ranks best alone (out-of-fold AUC 0.68) but is low on KJV/CUV verses too, so it forces the
threshold up at the Bible gate.

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
from align.model import Flag

FEATURES = ("cosine_z", "length", "cosine_z_by_length", "m1_en_document", "flagged")
# fitted by scripts/fit_adequacy.py (see benchmarks/README.md, "MQM"); means/scales standardise
COEFFICIENTS = {"cosine_z": -0.5396, "length": 0.4717, "cosine_z_by_length": 0.2594, "m1_en_document": -0.4708,
                "flagged": 0.4324}
MEANS = {"cosine_z": -0.5108, "length": 3.6351, "cosine_z_by_length": -1.5013, "m1_en_document": -0.0476,
         "flagged": 0.0978}
SCALES = {"cosine_z": 1.7495, "length": 0.6708, "cosine_z_by_length": 5.3672, "m1_en_document": 0.3302,
          "flagged": 0.2970}
INTERCEPT = 0.5642
THRESHOLD = 0.70
LONGEST = 5.1591  # log1p(Chinese characters) of the longest development link: the fit's range
_MIN_DOCUMENT = 5  # links needed before a document's own median and spread are trusted
_TYPICAL = (0.5, 0.15)  # (median, spread) of link confidence used for a shorter document
_HAN = re.compile(r"[\u3400-\u9fff]")
_ACTIONABLE = ("error", "warning")
_REASONS = {
    "cosine_z": "the sentence meanings match poorly for this document",
    "length": "a long passage",
    "cosine_z_by_length": "a short passage whose meaning matches poorly for this document",
    "m1_en_document": "the document's English words are unlikely translations of its Chinese",
    "flagged": "other checks flag it",
}


def _robust(values: Sequence[float]) -> tuple[float, float]:
    if len(values) < _MIN_DOCUMENT:
        return _TYPICAL
    median = statistics.median(values)
    spread = 1.4826 * statistics.median(abs(v - median) for v in values)
    return median, max(spread, 0.05)


def raised(flags: Iterable[Flag], ctx: CheckContext | None = None) -> set[int]:
    """Links another check raised an error or warning on, by the check's own severity for
    the case: the code's declared one where the user configured its severity (``ctx``), so
    configuring another code leaves the score as it is; a finding the check itself rated
    ``info`` (an uncertain swap of names, a number it could not place) is no evidence here."""
    from align.checks.registry import SEVERITY_KEY, check_of

    configured = {code for code, options in (ctx.options if ctx else {}).items()
                  if isinstance(options, dict) and options.get(SEVERITY_KEY)}
    return {f.link for f in flags if not f.check.startswith("adequacy.")
            and (check_of(f.check).severity[f.check] if f.check in configured else f.severity) in _ACTIONABLE}


def _model1_means(model, alignment) -> tuple[float, float]:
    """The mean per-word Model 1 log probability of the English given the Chinese and of the
    Chinese given the English, each less the model's typical training link's (0.0 for a side
    without content words): the level falls as the training corpus grows (more words compete
    for each word's mass), so a link is read against the corpus its model learnt from."""
    en, zh = model.word_log_probabilities(alignment)
    return (float(en.mean()) - model.typical_en if en.size else 0.0,
            float(zh.mean()) - model.typical_zh if zh.size else 0.0)


def link_features(ctx: CheckContext, flags: Iterable[Flag]) -> dict[int, dict[str, float]]:
    """Link index → the raw signals of every two-sided link of the run."""
    from align.wordalign import link_alignments, translation_model

    paired = [link for link in ctx.links if not link.one_sided]
    if not paired:
        return {}
    flagged = raised(flags, ctx)
    median, spread = _robust([link.score for link in paired])
    alignments = link_alignments(ctx)
    model = translation_model(ctx)
    m1 = [_model1_means(model, alignments[link.index]) for link in paired]
    en_typical = statistics.median(en for en, _ in m1) if len(paired) >= _MIN_DOCUMENT else None
    out: dict[int, dict[str, float]] = {}
    for link, (m1_en, m1_zh) in zip(paired, m1):
        cosine_z = (link.score - median) / spread
        length = min(math.log1p(len(_HAN.findall(link.zh))), LONGEST)  # no extrapolating the fit
        out[link.index] = {"cosine_z": cosine_z, "length": length, "cosine_z_by_length": cosine_z * length,
                           "m1_en": m1_en, "m1_en_document": m1_en if en_typical is None else en_typical,
                           "m1_zh": m1_zh, "flagged": float(link.index in flagged)}
    return out


def _run_features(ctx: CheckContext, flags: Iterable[Flag]) -> dict[int, dict[str, float]]:
    """``link_features`` once per check run: the score check and the pipeline, which puts
    each link's probability on it, share it."""
    return ctx.memo("adequacy.features", lambda: link_features(ctx, flags))


def link_probabilities(ctx: CheckContext, flags: Iterable[Flag]) -> dict[int, float]:
    """Link index → its probability of a meaning error, for every two-sided link."""
    return {index: probability(features) for index, features in _run_features(ctx, flags).items()}


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
    for index, features in _run_features(ctx, flags).items():
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
