"""Helpers shared by the divergence check modules (no checks are registered here)."""
from __future__ import annotations

from typing import Any

from align.checks.registry import CheckContext, make_flag
from align.model import Flag, Link


def flag(
    ctx: CheckContext,
    link: Link,
    code: str,
    default_severity: str,
    message: str,
    **spans_and_evidence: Any,
) -> Flag:
    """A flag whose severity the user may override per code (``options[code]["severity"]``)."""
    severity = ctx.option(code, "severity", default_severity)
    return make_flag(link, code, severity, message, **spans_and_evidence)


def one_sided(link: Link) -> bool:
    """A 1-0 / 0-1 link: reported by omission.*, so other pair checks skip it."""
    return not link.zh.strip() or not link.en.strip()
