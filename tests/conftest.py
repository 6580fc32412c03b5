"""Shared fixtures: real seed files, the shared bench data, the real default encoder,
and a real headless Chromium for browser tests."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Tests never read or write the user's embedding cache: one fresh cache per test session,
# inherited by the `align` subprocesses the tests start, removed when the session ends.
SESSION_CACHE = tempfile.mkdtemp(prefix="align-test-cache-")
os.environ["ALIGN_CACHE_DIR"] = SESSION_CACHE

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
ZH_SEED = SEEDS / "003_61e2e90163225e43.txt"
EN_SEED = SEEDS / "000_1deec09b464cf72e.txt"
INITIATIVE_EN = SEEDS / "001_7665dafc4b86c8d4.txt"
SEED_GLOSSARY = REPO / "glossaries" / "seed.csv"
CHROMIUM = Path("/usr/bin/chromium")
# Flags from the workplace notes: without the background-networking ones Chromium keeps
# trying to reach Google's hosts on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_addoption(parser):
    parser.addoption(
        "--update-screenshots",
        action="store_true",
        help="write the browser tests' screenshots into docs/ (scripts/screenshots.sh) "
        "instead of a temporary folder",
    )


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot_dir(request, tmp_path_factory) -> Path:
    """Where browser tests save screenshots: a temporary folder, so that a test run never
    changes the tracked docs/*.png; ``--update-screenshots`` writes them into docs/."""
    if request.config.getoption("--update-screenshots"):
        return REPO / "docs"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"{SHARED} is missing: tests expect ../shared beside the repo"
    return SHARED


@pytest.fixture(scope="session")
def encoder():
    """The default (USE v3) encoder, loaded once for the whole session."""
    from align.embed.encoders import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright."""
    assert CHROMIUM.exists(), "browser tests need /usr/bin/chromium (scripts/setup.sh installs it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
