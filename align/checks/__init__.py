"""Divergence and glossary checks: one module per category, one registry for all."""
from align.checks.registry import (  # noqa: F401
    REGISTRY,
    CheckContext,
    CheckInfo,
    code_enabled,
    load_builtin_checks,
    make_flag,
    register,
    run_checks,
)
