"""Fixtures shared by the tests; shared helpers live in site_contract.py, never imported from here.

Every test carries one of the markers of pyproject.toml (unit, site, browser, slow), so
`pytest -m unit` runs the package and extension tests without a built site; phases.py checks
that, runs the slowest kind first and says which kind runs and for how long.
"""

from pathlib import Path

import pytest

from site_contract import SITE

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
