"""Every internal link of the built site resolves: the file exists and so does its #anchor."""

import pytest

from site_contract import broken_references, internal_references


@pytest.mark.site
def test_every_internal_link_and_anchor_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert {"index.html", "parametros.html", "api.html"} <= {page.name for page in pages}
    broken = {page.name: errors for page in pages if (errors := broken_references(page))}
    assert not broken, broken


@pytest.mark.site
def test_the_checker_sees_links_to_sections_of_other_pages(site):
    """Guards the test above against checking nothing: the toctree links to labelled sections."""
    references = [reference for _, reference in internal_references(site / "index.html")]
    assert any(r.startswith("parametros.html#") for r in references) or "parametros.html" in references
    assert any(r.startswith("#") and len(r) > 1 for r in references)


@pytest.mark.unit
def test_a_missing_anchor_is_reported_and_an_a_name_counts_as_one(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#there">x</a><a href="#here">y</a><p id="here"></p>'
                                     '<a href="b.html#named">z</a>')
    (tmp_path / "b.html").write_text('<p id="elsewhere"></p><a name="named"></a><img src="_static/missing.png">')
    assert broken_references(tmp_path / "a.html") == ["<a> b.html#there: b.html has no id or <a name> 'there'"]
    assert broken_references(tmp_path / "b.html") == [
        f"<img> _static/missing.png: no file {tmp_path.resolve() / '_static' / 'missing.png'}"
    ]


@pytest.mark.unit
def test_a_link_through_a_redirect_page_reaches_the_moved_anchor(tmp_path):
    (tmp_path / "a.html").write_text('<a href="viejo.html#cap">x</a><a href="viejo.html#gone">y</a>')
    (tmp_path / "viejo.html").write_text('<meta http-equiv="refresh" content="0; url=nuevo.html">')
    (tmp_path / "nuevo.html").write_text('<section id="cap"></section>')
    assert broken_references(tmp_path / "a.html") == ["<a> viejo.html#gone: nuevo.html has no id or <a name> 'gone'"]
