"""Numbers that differ between the two sides of a pair (``number.*``).

Both sides are read into quantities (:mod:`align.text.numbers`) and compared in both directions,
so a value changed in translation, dropped, or added is reported once, with spans on each
side. An approximation rendered as an approximation of the same value (近150 ↔ "about
150", 上百 ↔ "over 100") and list numbering (一是 ↔ "First is") are never flagged.
"""
from __future__ import annotations

from collections.abc import Iterator

from align.checks.common import flag, one_sided
from align.checks.registry import CheckContext, register
from align.model import Flag, Link
from align.text.numbers import (
    Quantity,
    approximations_conflict,
    compare,
    en_compound_values,
    en_quantities,
    zh_numeral_values,
    zh_quantities,
)


@register(
    "number.values",
    codes=("number.mismatch", "number.missing", "number.extra", "number.approximation"),
)
def number_values(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """Numbers, dates, percentages and approximations that differ between zh and en."""
    if one_sided(link):
        return
    result = compare(zh_quantities(link.zh), en_quantities(link.en))
    for z, e in result.mismatched:
        yield flag(
            ctx, link, "number.mismatch", "error",
            f"Number differs: the Chinese says {z.text.strip()}, the English {e.text.strip()}.",
            zh_span=(z.start, z.end), en_span=(e.start, e.end),
            evidence={"zh": z.to_json(), "en": e.to_json()},
        )
    said = {q.value for pair in result.matched for q in pair}
    for z in _unexplained(result.missing, said | en_compound_values(link.en)):
        yield flag(
            ctx, link, "number.missing", _severity(z),
            f"The number {z.text.strip()} in the Chinese is not in the English.",
            zh_span=(z.start, z.end), evidence={"zh": z.to_json()},
        )
    spelled_in_zh = zh_numeral_values(link.zh)
    for e in _unexplained(result.extra, said | spelled_in_zh):
        yield flag(
            ctx, link, "number.extra", _severity(e),
            f"The number {e.text.strip()} in the English is not in the Chinese.",
            en_span=(e.start, e.end), evidence={"en": e.to_json()},
        )
    report_dropped = ctx.option("number.approximation", "exact_vs_approximate", False)
    for z, e in result.matched:
        conflict = approximations_conflict(z, e)
        if conflict or (report_dropped and bool(z.approx) != bool(e.approx)):
            yield flag(
                ctx, link, "number.approximation", "warning" if conflict else "info",
                f"Same number, stated differently: the Chinese says {z.text.strip()}, "
                f"the English {e.text.strip()}.",
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
