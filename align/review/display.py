"""How records read on the review pages: evidence as labelled fields, not JSON."""
from __future__ import annotations

from typing import Any

LABELS = {
    "entry": "glossary entry", "zh_ids": "zh sentences", "en_ids": "en sentences", "also": "also found",
    "best_similarity": "best similarity", "gain_without": "gain without it",
}


def evidence_fields(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, readable value) for each piece of a flag's evidence, in its order."""
    return [(LABELS.get(key, key.replace("_", " ")), readable(value)) for key, value in evidence.items()]


def readable(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"
    if value is None:
        return "–"
    if isinstance(value, dict):
        return _term(value) if {"zh", "en"} <= value.keys() else "; ".join(
            f"{LABELS.get(k, k.replace('_', ' '))}: {readable(v)}" for k, v in value.items() if v not in ("", [], None)
        )
    if isinstance(value, (list, tuple)):
        return " · ".join(readable(v) for v in value) if value else "none"
    return str(value)


def _term(entry: dict[str, Any]) -> str:
    """A glossary entry (or any zh/en record) as ``zh → en`` with its other fields."""
    text = f"{entry['zh']} → {entry['en']}"
    extras = [
        f"{LABELS.get(k, k.replace('_', ' '))}: {readable(v)}"
        for k, v in entry.items()
        if k not in ("zh", "en", "id") and v not in ("", [], (), None)
    ]
    return text + (f" ({'; '.join(extras)})" if extras else "")
