"""Shared by the tests of the built site: they read the build `make test` made and never rebuild it."""

from pathlib import Path

import pytest

from site_contract import ROOT, SITE

DOCS = ROOT / "docs"


def site_pages() -> list[Path]:
    """Every HTML page of the built site (the top level; _static and _sources hold none)."""
    return sorted(SITE.glob("*.html"))


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; fails (never skips) when it is missing, since `make test` builds it first."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make test`, which builds it before testing")
    return SITE
