"""Check configuration: which checks run and their thresholds, from a TOML file or the CLI.

File format (every key optional)::

    select = ["number", "tense", "omission.partial"]   # codes or whole categories
    ignore = ["entity.extra"]

    [options."omission.low_confidence"]
    ratio = 0.6

    [options."number.mismatch"]
    severity = "warning"

:func:`load_config` returns ``{"select": [...], "ignore": [...], "options": {code: {key:
value}}}`` — the arguments of :func:`align.checks.run_checks` and ``CheckContext.options``.
Codes and option keys are checked against the registry (what each check declares with
``@register(…, options=…)``), so a typo is an error, not a silently ignored line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import tomllib

from align.checks.registry import CATEGORIES
from align.errors import InputError
from align.model import SEVERITIES

_KEYS = ("select", "ignore", "options")


def known_codes() -> set[str]:
    """Every registered check code plus every category name."""
    from align.checks.registry import all_codes

    return set(all_codes()) | set(CATEGORIES)


def load_config(path: str | Path) -> dict[str, Any]:
    """Read and validate a check configuration file (TOML)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        line = re.search(r"line (\d+)", str(err))
        raise InputError(str(path), f"not valid TOML: {err}", int(line.group(1)) if line else None) from None
    return validate_config(data, str(path))


def validate_config(data: dict[str, Any], source: str = "<config>") -> dict[str, Any]:
    """Check a configuration mapping and return it in the canonical shape."""
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InputError(source, f"unknown key {unknown[0]!r} (expected {', '.join(_KEYS)})")
    codes = known_codes()
    config: dict[str, Any] = {"select": [], "ignore": [], "options": {}}
    for key in ("select", "ignore"):
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(source, f"{key} must be a list of check codes")
        for code in value:
            _require_code(code, codes, source, key)
        config[key] = list(value)
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise InputError(source, "options must be a table of [options.\"<code>\"] tables")
    for code, values in options.items():
        _require_code(code, codes - set(CATEGORIES), source, "options")
        if not isinstance(values, dict):
            raise InputError(source, f"options.{code} must be a table of key = value")
        for key, value in values.items():
            check_option(code, key, value, source)
        config["options"][code] = dict(values)
    return config


def check_option(code: str, key: str, value: Any, source: str) -> None:
    """Refuse a key the code's check does not declare, or a value of the wrong type
    (a number for a threshold, true/false for a switch, a severity name for ``severity``)."""
    from align.checks.registry import SEVERITY_KEY, check_of

    where = f"options.{code}.{key}"
    if key == SEVERITY_KEY:
        if value not in SEVERITIES:
            raise InputError(source, f"{where} must be one of {', '.join(SEVERITIES)}, not {value!r}")
        return
    declared = check_of(code).options
    if key not in declared:
        known = ", ".join([SEVERITY_KEY, *declared])
        raise InputError(source, f"unknown option {where} (options of {code}: {known})")
    default = declared[key]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise InputError(source, f"{where} must be {_kind(default)} like its default {default!r}, not {value!r}")


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    return "a number" if isinstance(default, (int, float)) else f"a {type(default).__name__}"


def _require_code(code: str, codes: set[str], source: str, where: str) -> None:
    if code not in codes:
        raise InputError(source, f"unknown check code {code!r} in {where} (see `align checks list`)")


def parse_option(text: str) -> tuple[str, str, Any]:
    """``omission.low_confidence.ratio=0.6`` → (code, key, value); the value is read as
    JSON when it can be (numbers, true/false), else kept as a string."""
    name, sep, raw = text.partition("=")
    code, dot, key = name.strip().rpartition(".")
    if not sep or not dot or "." not in code:
        raise InputError("--option", f"expected <category>.<name>.<key>=<value>, got {text!r}")
    _require_code(code, known_codes() - set(CATEGORIES), "--option", "--option")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw.strip()
    check_option(code, key, value, "--option")
    return code, key, value


def merge_options(config: dict[str, Any], options: list[str]) -> dict[str, Any]:
    """The config with ``--option`` settings applied on top (CLI wins over the file)."""
    merged = {code: dict(values) for code, values in config.get("options", {}).items()}
    for text in options:
        code, key, value = parse_option(text)
        merged.setdefault(code, {})[key] = value
    return {**config, "options": merged}
