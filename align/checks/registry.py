"""The check registry, after translate-toolkit's ``filters/checks.py``.

Each check is a small named function registered under ``<category>.<name>``:

* a *pair* check is called once per link: ``fn(link, ctx) -> Iterable[Flag]``;
* a *document* check sees every link at once: ``fn(ctx) -> Iterable[Flag]``
  (consistency, confidence relative to the document's typical level).

A check may emit several codes of its own category (``number.values`` emits
``number.missing``/``number.extra``/``number.mismatch``); it lists them in ``codes`` so that
``--select``/``--ignore`` work on codes and on whole categories.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align.model import Document, Flag, Link

if TYPE_CHECKING:  # pragma: no cover
    from align.glossary.termbase import Glossary

CATEGORIES = ("glossary", "number", "entity", "omission", "tense", "consistency", "alignment")


@dataclass
class CheckContext:
    """What a check may look at besides the link itself."""

    links: Sequence[Link]
    zh_doc: Document | None = None
    en_doc: Document | None = None
    glossary: "Glossary | None" = None
    encoder: Any = None  # an align.embed.encoders encoder, for checks that compare clause meanings
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def option(self, code: str, key: str, default: Any) -> Any:
        """A threshold for a check, set from the CLI or config file (``options[code][key]``)."""
        return self.options.get(code, {}).get(key, default)


@dataclass(frozen=True)
class CheckInfo:
    name: str
    function: Callable[..., Iterable[Flag]]
    scope: str  # "pair" | "document"
    codes: tuple[str, ...]
    description: str


REGISTRY: dict[str, CheckInfo] = {}


def register(name: str, *, codes: Sequence[str] | None = None, scope: str = "pair"):
    """Decorator: add a check function to the registry under ``name``."""
    category = name.split(".", 1)[0]
    if category not in CATEGORIES:
        raise ValueError(f"unknown check category in {name!r}")
    if scope not in ("pair", "document"):
        raise ValueError(f"unknown scope {scope!r}")
    emitted = tuple(codes or (name,))
    for code in emitted:
        if code.split(".", 1)[0] != category:
            raise ValueError(f"check {name!r} may only emit {category}.* codes, not {code!r}")

    def decorate(fn: Callable[..., Iterable[Flag]]) -> Callable[..., Iterable[Flag]]:
        doc = (fn.__doc__ or "").strip().splitlines()
        REGISTRY[name] = CheckInfo(name, fn, scope, emitted, doc[0] if doc else "")
        return fn

    return decorate


def make_flag(
    link: Link,
    check: str,
    severity: str,
    message: str,
    *,
    zh_span: tuple[int, int] | None = None,
    en_span: tuple[int, int] | None = None,
    evidence: dict[str, Any] | None = None,
) -> Flag:
    return Flag(
        link=link.index,
        check=check,
        severity=severity,
        zh=link.zh,
        en=link.en,
        message=message,
        zh_span=zh_span,
        en_span=en_span,
        evidence=evidence or {},
    )


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code == p or code.startswith(p + ".") for p in patterns)


def code_enabled(code: str, select: Iterable[str] | None, ignore: Iterable[str] | None) -> bool:
    """``select``/``ignore`` take codes (``number.missing``) or categories (``number``)."""
    if select and not _matches(code, select):
        return False
    return not (ignore and _matches(code, ignore))


def load_builtin_checks() -> None:
    """Import the check modules so their ``@register`` decorators run."""
    import importlib
    import pkgutil

    import align.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "registry":
            importlib.import_module(f"align.checks.{module.name}")


def run_checks(
    ctx: CheckContext,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> list[Flag]:
    """Run every enabled check over ``ctx.links``; flags sorted by link, then code."""
    load_builtin_checks()
    select, ignore = list(select or []), list(ignore or [])
    flags: list[Flag] = []
    for info in REGISTRY.values():
        if not any(code_enabled(c, select, ignore) for c in info.codes):
            continue
        if info.scope == "pair":
            produced = (f for link in ctx.links for f in info.function(link, ctx))
        else:
            produced = info.function(ctx)
        flags.extend(f for f in produced if code_enabled(f.check, select, ignore))
    flags.sort(key=lambda f: (f.link, f.check, f.zh_span or (-1, -1), f.en_span or (-1, -1)))
    return flags
