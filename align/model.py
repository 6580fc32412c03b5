"""Plain dataclasses shared by every pipeline stage.

Every segment points back to exact ``[start, end)`` character offsets in the decoded
original file (like spaCy's ``Span``), and every flag points to character offsets inside
its link's joined ``zh``/``en`` text, so a finding can always be shown in context.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading / list item) of a document."""

    doc_id: str
    index: int
    paragraph: int
    text: str
    start: int
    end: int
    kind: str = "sentence"  # "sentence" | "heading" | "item"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """A decoded file and its segments.

    ``original`` is the decoded file text before any cleaning; segment offsets index it.
    """

    doc_id: str
    lang: str
    original: str
    segments: list[Segment] = field(default_factory=list)
    path: str | None = None
    encoding: str | None = None

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.segments]


@dataclass
class Link:
    """One alignment bead: consecutive zh sentences linked to consecutive en sentences."""

    index: int
    zh_ids: tuple[int, ...]
    en_ids: tuple[int, ...]
    zh: str
    en: str
    score: float
    fixed: bool = False  # made by a reviewer's alignment fix (its score re-computed, not the aligner's)

    @property
    def one_sided(self) -> bool:
        """A 1-0 / 0-1 link (one side empty or blank): omission.* reports it, so the other
        pair checks skip it."""
        return not self.zh.strip() or not self.en.strip()

    def to_json(self) -> dict[str, Any]:
        data = {
            "link": self.index,
            "zh_ids": list(self.zh_ids),
            "en_ids": list(self.en_ids),
            "zh": self.zh,
            "en": self.en,
            "score": round(float(self.score), 4),
        }
        if self.fixed:
            data["fixed"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Link":
        return cls(
            index=int(data["link"]),
            zh_ids=tuple(data["zh_ids"]),
            en_ids=tuple(data["en_ids"]),
            zh=data["zh"],
            en=data["en"],
            score=float(data["score"]),
            fixed=bool(data.get("fixed", False)),
        )


def normalise_for_matching(text: str) -> str:
    """NFKC (full-width → half-width), casefold, collapse whitespace.

    Used for comparisons only; what users see is never altered.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Flag:
    """One finding on one link. Spans are ``[start, end)`` offsets into the link's zh/en."""

    link: int
    check: str
    severity: str
    zh: str
    en: str
    message: str
    zh_span: tuple[int, int] | None = None
    en_span: tuple[int, int] | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if "." not in self.check:
            raise ValueError(f"check code must be <category>.<name>, got {self.check!r}")

    @property
    def category(self) -> str:
        return self.check.split(".", 1)[0]

    @property
    def id(self) -> str:
        """Stable fingerprint: same check on the same (normalised) text and spans.

        A reviewer's decision is keyed by this, so it carries over to a re-run on
        unchanged text and lapses when the text changes.
        """
        zh_part = self.zh[slice(*self.zh_span)] if self.zh_span else ""
        en_part = self.en[slice(*self.en_span)] if self.en_span else ""
        key = "\x1f".join(
            [
                self.check,
                normalise_for_matching(self.zh),
                normalise_for_matching(self.en),
                normalise_for_matching(zh_part),
                normalise_for_matching(en_part),
            ]
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "link": self.link,
            "check": self.check,
            "severity": self.severity,
            "zh": self.zh,
            "en": self.en,
            "zh_span": list(self.zh_span) if self.zh_span else None,
            "en_span": list(self.en_span) if self.en_span else None,
            "message": self.message,
            "evidence": self.evidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Flag":
        return cls(
            link=int(data["link"]),
            check=data["check"],
            severity=data["severity"],
            zh=data["zh"],
            en=data["en"],
            message=data["message"],
            zh_span=tuple(data["zh_span"]) if data.get("zh_span") else None,
            en_span=tuple(data["en_span"]) if data.get("en_span") else None,
            evidence=data.get("evidence") or {},
        )
