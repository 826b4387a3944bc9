"""Link-preview metadata: each page has a title and a description; absolute URLs only with a site URL.

The build reads RNN_NOTES_SITE_URL; run pytest in the same environment (`make test` does).
"""

import os

import pytest
from bs4 import BeautifulSoup

from site_contract import SITE, parse, read_inventory

pytestmark = pytest.mark.site

PAGES = sorted(read_inventory(SITE).get("std:doc", {}).values()) if (SITE / "objects.inv").is_file() else []
SITE_URL = os.environ.get("RNN_NOTES_SITE_URL", "").rstrip("/")


def head(page: str) -> BeautifulSoup:
    """The <head> of a built page."""
    return parse(SITE / page).head


def meta(soup: BeautifulSoup, key: str) -> str:
    """The content of a <meta property=...> or <meta name=...> tag, or '' when absent."""
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag.get("content", "").strip() if tag else ""


def test_every_page_is_checked():
    assert {"index.html", "parametros.html", "instructores.html"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_has_title_and_description(page):
    soup = head(page)
    assert soup.title.get_text(strip=True)
    assert meta(soup, "og:title")
    assert len(meta(soup, "og:description")) > 40
    assert meta(soup, "description") == meta(soup, "og:description")


@pytest.mark.parametrize("page", PAGES)
def test_absolute_urls_only_from_the_site_url(page):
    soup = head(page)
    urls = [tag.get("content", "") for tag in soup.find_all("meta")]
    urls += [tag.get("href", "") for tag in soup.find_all("link")]
    absolute = [url for url in urls if "://" in url]
    if not SITE_URL:
        assert absolute == []
    else:
        assert meta(soup, "og:url") == f"{SITE_URL}/{page}"
        assert soup.find("link", rel="canonical")["href"] == f"{SITE_URL}/{page}"
        assert all(url.startswith(SITE_URL + "/") for url in absolute)


def test_descriptions_hold_no_latex_source():
    for page in sorted(SITE.glob("*.html")):
        for tag in parse(page).select(
            'meta[name="description"], meta[property="og:description"]'
        ):
            assert "\\" not in tag["content"], f"{page.name}: raw LaTeX in its link preview"
