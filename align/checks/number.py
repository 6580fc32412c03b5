"""Numbers that differ between the two sides of a pair (``number.*``).

Both sides are read into quantities (:mod:`align.text.numbers`) and compared in both directions,
so a value changed in translation, dropped, or added is reported once, with spans on each
side. An approximation rendered as an approximation of the same value (近150 ↔ "about
150", 上百 ↔ "over 100") and list numbering (一是 ↔ "First is") are never flagged.
"""
from __future__ import annotations

from collections.abc import Iterator

from align.checks.registry import CheckContext, register
from align.model import Flag, Link
from align.text.numbers import (
    Comparison,
    Quantity,
    approximations_conflict,
    compare,
    en_compound_values,
    en_quantities,
    zh_numeral_values,
    zh_quantities,
)


def _compared(ctx: CheckContext, link: Link) -> Comparison:
    """Both sides' quantities, paired: read once per link, shared by the four checks."""
    return ctx.memo(("number.compare", link.zh, link.en),
                    lambda: compare(zh_quantities(link.zh), en_quantities(link.en)))


def _said(result: Comparison) -> set[float]:
    """Values stated on both sides (a repeated number has its counterpart already)."""
    return {q.value for pair in result.matched for q in pair}


@register("number.mismatch", severity={"number.mismatch": "error"})
def mismatch(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """A number changed in translation: the two sides state different values."""
    if link.one_sided:
        return
    for z, e in _compared(ctx, link).mismatched:
        yield ctx.flag(
            link, "number.mismatch",
            f"Number differs: the Chinese says {z.text.strip()}, the English {e.text.strip()}.",
            zh_span=(z.start, z.end), en_span=(e.start, e.end),
            evidence={"zh": z.to_json(), "en": e.to_json()},
        )


@register("number.missing", severity={"number.missing": "warning"})
def missing(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """A number in the Chinese that the English does not state."""
    yield from _stated_on_one_side(link, ctx, "number.missing", "zh")


@register("number.extra", severity={"number.extra": "warning"})
def extra(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """A number in the English that the Chinese does not state."""
    yield from _stated_on_one_side(link, ctx, "number.extra", "en")


def _stated_on_one_side(link: Link, ctx: CheckContext, code: str, lang: str) -> Iterator[Flag]:
    """Numbers only ``lang`` states, less those the other side says in its own way (an
    English compound such as "fourfold", a Chinese numeral the quantity reader skips)."""
    if link.one_sided:
        return
    result = _compared(ctx, link)
    if lang == "zh":
        found = _unexplained(result.missing, _said(result) | en_compound_values(link.en))
        here, there = "Chinese", "English"
    else:
        found = _unexplained(result.extra, _said(result) | zh_numeral_values(link.zh))
        here, there = "English", "Chinese"
    for q in found:
        yield ctx.flag(
            link, code, f"The number {q.text.strip()} in the {here} is not in the {there}.",
            severity=_severity(q), evidence={lang: q.to_json()}, **{f"{lang}_span": (q.start, q.end)},
        )


@register("number.approximation", options={"exact_vs_approximate": False},
          severity={"number.approximation": "warning"})
def approximation(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """The same number, approximate on one side and exact (or differently approximate) on
    the other (``exact_vs_approximate``: also an approximation dropped, as info)."""
    if link.one_sided:
        return
    report_dropped = ctx.option("number.approximation", "exact_vs_approximate")
    for z, e in _compared(ctx, link).matched:
        conflict = approximations_conflict(z, e)
        if conflict or (report_dropped and bool(z.approx) != bool(e.approx)):
            yield ctx.flag(
                link, "number.approximation",
                f"Same number, stated differently: the Chinese says {z.text.strip()}, "
                f"the English {e.text.strip()}.",
                severity=None if conflict else "info",
                zh_span=(z.start, z.end), en_span=(e.start, e.end),
                evidence={"zh": z.to_json(), "en": e.to_json(), "conflict": conflict},
            )


def _unexplained(unpaired: list[Quantity], said: set[float]) -> list[Quantity]:
    """Numbers with no counterpart worth a flag: not a value the other side states (repeated:
    the seven thin ears devoured the seven rank ears ↔ 那七个; or as a numeral the quantity
    reader does not count: "five" ↔ 五闩, or fused into an English word: 四方 ↔ "foursquare"),
    and not a spelled-out one or
    two, which is grammar far more often than a fact (两个儿子 ↔ "his sons", 二人 ↔ "I and thou"),
    and not a spelled vague amount ("captains of thousands", 千夫长 = an office, not a count)."""
    return [q for q in unpaired if q.value not in said and not (_spelled(q) and q.value <= 2 and not q.percent)
            and not (_spelled(q) and q.approx == "vague")]


def _spelled(q: Quantity) -> bool:
    return not any(ch.isdigit() for ch in q.text)


def _severity(q: Quantity) -> str:
    """A small number spelled out (两, two) is often grammar (两造, "both", a plural) when it
    has no counterpart; digits, percentages and larger numbers are facts."""
    spelled_small = q.value < 10 and not q.percent and _spelled(q)
    return "info" if spelled_small else "warning"
