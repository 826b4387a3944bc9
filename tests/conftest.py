"""Fixtures shared by the tests; shared helpers live in site_contract.py, never imported from here.

Every test carries one of the markers of pyproject.toml (unit, site, browser, slow), so
`pytest -m unit` runs the package and extension tests without a built site.
"""

from pathlib import Path

import pytest

from site_contract import SITE

pytest_plugins = ["sphinx.testing.fixtures"]  # `app` and `@pytest.mark.sphinx` for tests/roots/
KINDS = {"unit", "site", "browser", "slow"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test without exactly one kind, so `pytest -m unit` and friends never miss or repeat one."""
    wrong = [item.nodeid for item in items if len(KINDS & {m.name for m in item.iter_markers()}) != 1]
    if wrong:
        raise pytest.UsageError(f"tests without exactly one of the markers {sorted(KINDS)}: {wrong}")


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
