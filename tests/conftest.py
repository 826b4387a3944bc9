"""Fixtures shared by the tests; shared helpers live in site_contract.py, never imported from here.

Every test carries one of the markers of pyproject.toml (unit, site, browser, slow), so
`pytest -m unit` runs the package and extension tests without a built site; phases.py checks
that, runs the slowest kind first and says which kind runs and for how long.
"""

import os
from pathlib import Path

import pytest

from site_contract import SITE

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, never a downloaded browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# sphinx: `app` and `@pytest.mark.sphinx` for tests/roots/; phases: the kinds of test, their order and commentary.
pytest_plugins = ["sphinx.testing.fixtures", "phases"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """The small Sphinx projects under tests/roots/ (sphinx.testing's ``testroot``)."""
    return Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; fails (never skips) when it is missing, since `make test` builds it first."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make test`, which builds it before testing")
    return SITE


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, one per test process for every browser test file (Playwright's sync API
    allows one at a time); skipped locally when missing, a failure under CI=true."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} not found; install Debian's Chromium with: sudo apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()
