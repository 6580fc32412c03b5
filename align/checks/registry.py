"""The check registry, after translate-toolkit's ``filters/checks.py``.

Each check is a small named function registered under ``<category>.<name>`` together with
everything a user can configure about it:

* a *pair* check is called once per link: ``fn(link, ctx) -> Iterable[Flag]``;
* a *document* check sees every link at once: ``fn(ctx) -> Iterable[Flag]``
  (consistency, confidence relative to the document's typical level);
* a *summary* check runs last and also reads what the others found:
  ``fn(ctx, flags) -> Iterable[Flag]`` (the adequacy score weighs their findings).

``@register(name, codes=…, scope=…, options={key: default}, severity={code: default})``
declares the codes a check emits (``--select``/``--ignore`` work on codes and whole
categories), its thresholds with their defaults (set per code from a config file or
``--option CODE.KEY=VALUE``; a check's options apply to each of its codes) and each code's
default severity. Checks build every flag with :meth:`CheckContext.flag`, which applies
the user's severity for the code, and read thresholds with :meth:`CheckContext.option`.
Work several checks need (the glossary hits of a link, the clause vectors of a document)
is computed once per run with :meth:`CheckContext.memo`.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from align.model import SEVERITIES, Document, Flag, Link

if TYPE_CHECKING:  # pragma: no cover
    from align.glossary.termbase import Glossary

CATEGORIES = ("glossary", "number", "entity", "omission", "tense", "consistency", "alignment", "adequacy")
SEVERITY_KEY = "severity"  # the option every code accepts
T = TypeVar("T")


@dataclass(frozen=True)
class CheckInfo:
    """A registered check: what it emits and what a user may set for each of its codes."""

    name: str
    function: Callable[..., Iterable[Flag]]
    scope: str  # "pair" | "document" | "summary"
    codes: tuple[str, ...]
    description: str
    options: Mapping[str, Any]  # key → default, for every code of the check
    severity: Mapping[str, str]  # code → default severity


REGISTRY: dict[str, CheckInfo] = {}
_CHECK_OF_CODE: dict[str, CheckInfo] = {}


def register(
    name: str,
    *,
    codes: Sequence[str] | None = None,
    scope: str = "pair",
    options: Mapping[str, Any] | None = None,
    severity: Mapping[str, str],
):
    """Decorator: add a check function to the registry under ``name``."""
    category = name.split(".", 1)[0]
    if category not in CATEGORIES:
        raise ValueError(f"unknown check category in {name!r}")
    if scope not in ("pair", "document", "summary"):
        raise ValueError(f"unknown scope {scope!r}")
    emitted = tuple(codes or (name,))
    for code in emitted:
        if code.split(".", 1)[0] != category:
            raise ValueError(f"check {name!r} may only emit {category}.* codes, not {code!r}")
        if code in _CHECK_OF_CODE and _CHECK_OF_CODE[code].name != name:
            raise ValueError(f"code {code!r} is already emitted by {_CHECK_OF_CODE[code].name!r}")
    if set(severity) != set(emitted) or not set(severity.values()) <= set(SEVERITIES):
        raise ValueError(f"check {name!r} must give each of its codes a default severity")
    if SEVERITY_KEY in (options or {}):
        raise ValueError(f"check {name!r}: {SEVERITY_KEY!r} is not a threshold")

    def decorate(fn: Callable[..., Iterable[Flag]]) -> Callable[..., Iterable[Flag]]:
        description = " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())  # first paragraph
        info = CheckInfo(name, fn, scope, emitted, description,
                         MappingProxyType(dict(options or {})), MappingProxyType(dict(severity)))
        REGISTRY[name] = info
        for code in emitted:
            _CHECK_OF_CODE[code] = info
        return fn

    return decorate


def check_of(code: str) -> CheckInfo:
    """The registered check that emits ``code`` (``KeyError`` for an unknown code)."""
    if code not in _CHECK_OF_CODE:
        load_builtin_checks()
    return _CHECK_OF_CODE[code]


def all_codes() -> list[str]:
    """Every code of every registered check, sorted."""
    load_builtin_checks()
    return sorted(_CHECK_OF_CODE)


@dataclass
class CheckContext:
    """What a check may look at besides the link itself, and the run's memos."""

    links: Sequence[Link]
    zh_doc: Document | None = None
    en_doc: Document | None = None
    glossary: Glossary | None = None
    encoder: Any = None  # an align.embed.encoders encoder, for checks that compare clause meanings
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # {code: {key: value}}
    # word translation probabilities learnt from a bigger corpus (align.wordalign.model1); None:
    # the run learns them from its own links
    translations: Any = None
    _memos: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def option(self, code: str, key: str) -> Any:
        """A threshold of ``code``: the user's value (``options[code][key]``) or the default
        its check declares (a key the check does not declare is a programming error)."""
        defaults = check_of(code).options
        if key not in defaults:
            raise KeyError(f"{code} declares no option {key!r}")
        return self.options.get(code, {}).get(key, defaults[key])

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per context (one check run), shared by every check that asks
        for the same key: per-run state lives here, never in module globals."""
        if key not in self._memos:
            self._memos[key] = compute()
        return self._memos[key]

    def flag(
        self,
        link: Link,
        code: str,
        message: str,
        *,
        severity: str | None = None,
        zh_span: tuple[int, int] | None = None,
        en_span: tuple[int, int] | None = None,
        evidence: dict[str, Any] | None = None,
    ) -> Flag:
        """The one flag constructor. Severity: the user's for this code if set, else the
        check's own choice for this case (``severity``), else the code's declared default."""
        declared = check_of(code).severity[code]
        chosen = self.options.get(code, {}).get(SEVERITY_KEY) or severity or declared
        return Flag(
            link=link.index,
            check=code,
            severity=chosen,
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
    jobs: int = 1,
) -> list[Flag]:
    """Run every enabled check over ``ctx.links``; flags sorted by link, then code.

    With ``jobs`` 2, the checks of :func:`forkable` run in a forked child
    (:mod:`align.parallel`) while this process runs the rest; each check's flags are the
    same wherever it runs, and they are put back in registry order, so the result is too."""
    from align.parallel import alongside

    load_builtin_checks()
    select, ignore = list(select or []), list(ignore or [])
    enabled = [info for info in REGISTRY.values() if any(code_enabled(c, select, ignore) for c in info.codes)]
    first = [info for info in enabled if info.scope != "summary"]  # summaries last: they read the rest
    elsewhere = forkable(first) if jobs > 1 else []

    def run(infos: list[CheckInfo]) -> dict[str, list[Flag]]:
        return {info.name: _flags_of(info, ctx, select, ignore, []) for info in infos}

    with alongside(lambda: run(elsewhere), enabled=bool(elsewhere)) as child:
        by_check = run([info for info in first if info not in elsewhere])
        by_check.update(child.result())
    flags = [f for info in first for f in by_check[info.name]]
    for info in enabled:
        if info.scope == "summary":
            flags.extend(_flags_of(info, ctx, select, ignore, flags))
    flags.sort(key=lambda f: (f.link, f.check, f.zh_span or (-1, -1), f.en_span or (-1, -1)))
    return flags


def _flags_of(info: CheckInfo, ctx: CheckContext, select: list[str], ignore: list[str],
              flags: list[Flag]) -> list[Flag]:
    """The selected flags one check raises (a summary check reads ``flags``, the rest's)."""
    if info.scope == "pair":
        produced = (f for link in ctx.links for f in info.function(link, ctx))
    elif info.scope == "document":
        produced = info.function(ctx)
    else:
        produced = list(info.function(ctx, list(flags)))
    return [f for f in produced if code_enabled(f.check, select, ignore)]


def forkable(checks: Sequence[CheckInfo]) -> list[CheckInfo]:
    """The checks a second process can take: the pair checks of the modules that have no
    document check. A module's document checks stay here with its pair checks, because
    they share per-document memos (``entity.document_facts``) that would otherwise be
    computed twice — and the checks that need the encoder are document checks (a forked
    copy must not run the encoder)."""
    with_document = {info.function.__module__ for info in checks if info.scope != "pair"}
    return [info for info in checks if info.scope == "pair" and info.function.__module__ not in with_document]
