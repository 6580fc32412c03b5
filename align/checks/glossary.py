"""Glossary checks: is every glossary term in the Chinese rendered as the glossary says?

The terms on both sides of a link are found once (``Glossary.find_zh``/``find_en``,
memoised on the run's context) and read by three checks:

* ``glossary.missing_term`` (error): an entry's Chinese term is in the link, but none of
  its approved renderings (approved form or variants) is in the English;
* ``glossary.forbidden_term`` (error): the English uses a rendering the glossary forbids;
* ``glossary.unexpected_term`` (warning): the English has an approved rendering whose
  Chinese term is absent from the link — often a mis-alignment or an addition.

Only ``approved`` entries are checked. Links with an empty side (1-0 / 0-1) are left to
the omission and alignment checks, except for forbidden renderings, which are wrong
wherever they appear. Every flag names the entry (``evidence.entry``) and carries the
term's span on each side where the term is present.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from align.checks.registry import CheckContext, register
from align.glossary.termbase import GlossaryEntry, TermHit
from align.glossary.terms import longest_leftmost
from align.model import Flag, Link


def _evidence(entry: GlossaryEntry, **extra) -> dict:
    return {
        "entry": {"id": entry.id, "zh": entry.zh, "en": entry.en, "variants": list(entry.variants),
                  "forbidden": list(entry.forbidden), "source": entry.source},
        **extra,
    }


@dataclass(frozen=True)
class _LinkTerms:
    """The glossary terms of one link, found once and shared by the three checks. Every hit,
    nested ones included: a term inside a longer term still counts as present (本届…高峰论坛
    is rendered by "Second Belt and Road Forum for International Cooperation")."""

    zh_all: list[TermHit]
    en_all: list[TermHit]

    @property
    def zh_present(self) -> set[str]:
        return {h.entry.id for h in self.zh_all}

    @property
    def rendered(self) -> set[str]:
        return {h.entry.id for h in self.en_all if h.kind != "forbidden"}

    @property
    def forbidden(self) -> list[TermHit]:
        return [h for h in self.en_all if h.kind == "forbidden"]


def _terms(ctx: CheckContext, link: Link) -> _LinkTerms:
    def find() -> _LinkTerms:
        return _LinkTerms(ctx.glossary.find_zh(link.zh, nested=True) if link.zh else [],
                          ctx.glossary.find_en(link.en, nested=True) if link.en else [])

    return ctx.memo(("glossary.terms", link.zh, link.en), find)


@register("glossary.forbidden_term", severity={"glossary.forbidden_term": "error"})
def forbidden_term(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """A rendering the glossary forbids, wherever it appears (one-sided links included)."""
    if ctx.glossary is None or not link.en:
        return
    terms = _terms(ctx, link)
    for hit in terms.forbidden:
        zh_hit = next((h for h in terms.zh_all if h.entry.id == hit.entry.id), None)
        yield ctx.flag(
            link, "glossary.forbidden_term",
            f"“{hit.text}” is a forbidden rendering; use “{hit.entry.en}”"
            + (f" for {zh_hit.text}" if zh_hit else f" ({hit.entry.zh})"),
            zh_span=zh_hit.span if zh_hit else None,
            en_span=hit.span,
            evidence=_evidence(hit.entry, found=hit.text),
        )


@register("glossary.missing_term", severity={"glossary.missing_term": "error"})
def missing_term(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """A glossary term in the Chinese with none of its accepted renderings in the English
    (info instead, when the English refers back to it with a short form)."""
    if ctx.glossary is None or not (link.zh and link.en):
        return
    terms = _terms(ctx, link)
    rendered = terms.rendered
    forbidden_for = {h.entry.id for h in terms.forbidden}
    reported: set[str] = set()
    for zh_hit in longest_leftmost(terms.zh_all):
        entry = zh_hit.entry
        if entry.id in rendered or entry.id in forbidden_for or entry.id in reported:
            continue
        reported.add(entry.id)
        reference = back_reference(entry, link, ctx)
        if reference:
            short, earlier = reference
            yield ctx.flag(
                link, "glossary.missing_term",
                f"{zh_hit.text}: “{short.group()}” taken as a short reference to “{earlier[1].text}” "
                f"(link {earlier[0].index})",
                severity="info",
                zh_span=zh_hit.span,
                en_span=short.span(),
                evidence=_evidence(entry, expected=list(entry.accepted), short_reference=short.group(),
                                   full_form={"link": earlier[0].index, "text": earlier[1].text,
                                              "en_span": list(earlier[1].span)}),
            )
            continue
        yield ctx.flag(
            link, "glossary.missing_term",
            f"{zh_hit.text} should be rendered “{entry.en}”"
            + (f" (or {', '.join(f'“{v}”' for v in entry.variants)})" if entry.variants else "")
            + "; no accepted rendering found in the English",
            zh_span=zh_hit.span,
            en_span=None,
            evidence=_evidence(entry, expected=list(entry.accepted)),
        )


@register("glossary.unexpected_term", severity={"glossary.unexpected_term": "warning"})
def unexpected_term(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """An approved rendering in the English whose Chinese term is not in the pair.

    An outermost English term is unexpected only if no entry found in its span (it may
    belong to several: MOST is 科技部 and its full form) has its Chinese term in the link."""
    if ctx.glossary is None or not (link.zh and link.en):
        return
    terms = _terms(ctx, link)
    zh_present = terms.zh_present
    by_span: dict[tuple[int, int], list[TermHit]] = {}
    for hit in longest_leftmost(terms.en_all):
        if hit.kind != "forbidden":
            by_span.setdefault(hit.span, []).append(hit)
    for (start, end), hits in by_span.items():
        inside = {h.entry.id for h in terms.en_all if start <= h.start and h.end <= end}
        if inside & zh_present:
            continue
        hit = hits[0]
        yield ctx.flag(
            link, "glossary.unexpected_term",
            f"“{hit.text}” renders {' / '.join(dict.fromkeys(h.entry.zh for h in hits))}, "
            "which is not in the Chinese of this pair",
            zh_span=None,
            en_span=(start, end),
            evidence=_evidence(hit.entry, found=hit.text, also=[h.entry.id for h in hits[1:]]),
        )


# ---------------------------------------------------------------------------- back-references

_DETERMINERS = r"(?:the|this|that|these|those)"
_TITLES = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Academician|(?:Vice |Deputy )?(?:Minister|President|Premier|Chairman"
    r"|Chairwoman|Director|Secretary|Ambassador|Governor|Mayor))\.?"
)
_LINK_WORDS = {"of", "and", "for", "on", "in", "the", "&"}


def back_reference(entry: GlossaryEntry, link: Link, ctx: CheckContext):
    """``(short_form_match, (earlier_link, earlier_hit))`` if this link's English refers back
    with a short form to the entry's full rendering in an EARLIER link of the document,
    else None.

    Short forms a translator uses for a name already given in full: its head noun after a
    determiner, optionally with other words of the full form ("the Group", "the thematic
    forum" after "Silk Road of Innovation Thematic Forum"); a person's surname after a title
    ("Minister Wang" after "Wang Zhigang"). A first mention in short form has no earlier full
    form, so it stays an error; acronyms the glossary lists are renderings already.
    """
    patterns = ctx.memo(("glossary.short_forms", entry), lambda: _short_forms(entry))
    shorts = [m for pattern in patterns if (m := pattern.search(link.en))]
    if not shorts:
        return None
    mentions = _full_forms(ctx).get(entry.id, [])
    before = bisect.bisect_left(mentions, link.index, key=lambda mention: mention[0].index)
    return (shorts[0], mentions[before - 1]) if before else None


def _short_forms(entry: GlossaryEntry) -> tuple[re.Pattern, ...]:
    """The determiner + head pattern (any case: "the thematic forum") and the title +
    surname pattern (case as written) of an entry's accepted renderings."""
    heads, modifiers, surnames = set(), set(), set()
    for form in entry.accepted:
        words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", form)
        content = [w for w in words if w.lower() not in _LINK_WORDS]
        if len(content) < 2:
            continue  # a one-word rendering has no shorter form
        modifiers.update(w.lower() for w in content)
        heads.add(content[-1].lower())
        if "of" in words[1:]:  # "Ministry of …", "Academy of …": the head precedes "of"
            heads.add(words[words.index("of") - 1].lower())
        if len(words) in (2, 3) and len(content) == len(words) and all(w[0].isupper() for w in words):
            surnames.update({words[0], words[-1]})  # Wang Zhigang (family name first), Francis Gurry
    patterns = []
    if heads:
        patterns.append(re.compile(
            rf"\b{_DETERMINERS}\s+(?:(?:{'|'.join(map(re.escape, sorted(modifiers)))})\s+){{0,3}}"
            rf"(?:{'|'.join(map(re.escape, sorted(heads)))})s?\b",
            re.IGNORECASE,
        ))
    if surnames:
        patterns.append(re.compile(rf"\b{_TITLES}\s+(?:{'|'.join(map(re.escape, sorted(surnames)))})\b"))
    return tuple(patterns)


def _full_forms(ctx: CheckContext) -> dict[str, list[tuple[Link, TermHit]]]:
    """Per entry id, the links (in order) whose English has an accepted rendering of it,
    with the first such hit; built once per run (one ``find_en`` per link), when the first
    missing term of the document asks for it."""

    def build() -> dict[str, list[tuple[Link, TermHit]]]:
        index: dict[str, list[tuple[Link, TermHit]]] = {}
        for earlier in sorted((link for link in ctx.links if link.en), key=lambda link: link.index):
            seen = set()
            for hit in ctx.glossary.find_en(earlier.en, nested=True):
                if hit.kind != "forbidden" and hit.entry.id not in seen:
                    seen.add(hit.entry.id)
                    index.setdefault(hit.entry.id, []).append((earlier, hit))
        return index

    return ctx.memo("glossary.full_forms", build)
