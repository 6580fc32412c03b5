"""Divergence and glossary checks: one module per category, one registry for all."""
from align.checks.registry import (  # noqa: F401
    REGISTRY,
    CheckContext,
    CheckInfo,
    all_codes,
    check_of,
    code_enabled,
    load_builtin_checks,
    register,
    run_checks,
)
