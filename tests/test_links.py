import pytest
"""Every internal link of the built site resolves: the file exists and so does its #anchor."""

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from site_contract import SITE

pytestmark = pytest.mark.site


@cache
def soup(path: Path) -> BeautifulSoup:
    """A page, parsed once."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def anchors(path: Path) -> set[str]:
    """The fragment targets of a page: every id and every <a name>."""
    page = soup(path)
    return {tag["id"] for tag in page.find_all(id=True)} | {tag["name"] for tag in page.find_all("a", attrs={"name": True})}


def internal_references(page: Path) -> list[tuple[str, str]]:
    """(tag, reference) for every href/src of the page that points inside the site."""
    references = []
    for tag in soup(page).find_all(lambda tag: tag.has_attr("href") or tag.has_attr("src")):
        for attribute in ("href", "src"):
            url = urlsplit(tag.get(attribute, ""))
            if tag.has_attr(attribute) and not url.scheme and not url.netloc:
                references.append((tag.name, tag[attribute]))
    return references


def broken_references(page: Path) -> list[str]:
    """The page's internal references whose file or #anchor does not exist."""
    broken = []
    for tag, reference in internal_references(page):
        url = urlsplit(reference)
        target = (page.parent / unquote(url.path)).resolve() if url.path else page
        if not target.is_file():
            broken.append(f"<{tag}> {reference}: no file {target}")
        elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in anchors(target):
            broken.append(f"<{tag}> {reference}: no #{url.fragment} in {target.name}")
    return broken


def test_every_internal_link_and_anchor_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert {"index.html", "parametros.html", "api.html"} <= {page.name for page in pages}
    broken = {page.name: errors for page in pages if (errors := broken_references(page))}
    assert not broken, broken


def test_the_checker_sees_links_to_sections_of_other_pages(site):
    """Guards the test above against checking nothing: the toctree links to labelled sections."""
    references = [reference for _, reference in internal_references(site / "index.html")]
    assert any(r.startswith("parametros.html#") for r in references) or "parametros.html" in references
    assert any(r.startswith("#") and len(r) > 1 for r in references)


def test_a_missing_anchor_is_reported(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#there">x</a><a href="#here">y</a><p id="here"></p>')
    (tmp_path / "b.html").write_text('<p id="elsewhere"></p><img src="_static/missing.png">')
    assert broken_references(tmp_path / "a.html") == ["<a> b.html#there: no #there in b.html"]
    assert broken_references(tmp_path / "b.html") == [
        f"<img> _static/missing.png: no file {tmp_path.resolve() / '_static' / 'missing.png'}"
    ]
