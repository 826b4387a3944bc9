"""The published-links contract (tests/published_links.txt) against the built site and small fixtures."""

import re
import shutil
import zlib
from pathlib import Path
from string import Template

import pytest
from sphinx_reredirects import REDIRECT_FILE_DEFAULT_TEMPLATE

from rnn_site.published_links import read_contract
from site_contract import CONTRACT, SITE, check_site, sections



def section(anchor: str, *children: str, headerlink: bool = True) -> str:
    """HTML of a section as Sphinx and furo write it."""
    link = f'<a class="headerlink" href="#{anchor}">¶</a>' if headerlink else ""
    return f'<section id="{anchor}"><span id="auto-{anchor}"></span><h2>Title{link}</h2>{"".join(children)}</section>'


def make_site(root: Path, pages: dict[str, str], labels: list[str]) -> Path:
    """Write a tiny built site: HTML pages plus an objects.inv with their docs and labels."""
    docs = [name for name, html in pages.items() if "http-equiv" not in html]
    lines = [f"{d[:-5]} std:doc -1 {d} -" for d in docs]
    lines += [f"{link.split('#')[1]} std:label -1 {link} Title" for link in labels]
    header = b"# Sphinx inventory version 2\n# Project: t\n# Version: \n# The remainder is compressed.\n"
    root.mkdir(parents=True, exist_ok=True)
    (root / "objects.inv").write_bytes(header + zlib.compress("\n".join(lines).encode()))
    for name, html in pages.items():
        (root / name).write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    return root


def redirect_to(uri: str) -> str:
    """The redirect page sphinx-reredirects writes for a moved page."""
    return Template(REDIRECT_FILE_DEFAULT_TEMPLATE).substitute(to_uri=uri)


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """A page with a titled section and one subsection, both labelled and listed."""
    page = section("cap", section("cap-paso"))
    return make_site(tmp_path / "html", {"cap.html": page}, ["cap.html#cap", "cap.html#cap-paso"])


@pytest.mark.unit
def test_small_site_that_keeps_the_contract_passes(small_site):
    assert check_site(small_site, ["cap.html#cap", "cap.html#cap-paso"]) == []


@pytest.mark.unit
def test_renamed_label_fails_both_ways(small_site):
    page = small_site / "cap.html"
    page.write_text(page.read_text().replace("cap-paso", "cap-un-paso"))
    problems = check_site(small_site, ["cap.html#cap", "cap.html#cap-paso"])
    assert any(p.startswith("cap.html#cap-paso: does not resolve") for p in problems)
    assert "cap.html#cap-un-paso: section not in the contract" in problems


@pytest.mark.unit
def test_unlisted_section_fails(small_site):
    assert check_site(small_site, ["cap.html#cap"]) == ["cap.html#cap-paso: section not in the contract"]


@pytest.mark.unit
def test_anchor_that_is_not_ascii_kebab_case_fails(tmp_path):
    site = make_site(tmp_path, {"cap.html": section("pasó_1")}, ["cap.html#pasó_1"])
    assert check_site(site, ["cap.html#pasó_1"]) == ["cap.html#pasó_1: the anchor is not ASCII kebab-case"]


@pytest.mark.unit
def test_anchor_generated_from_the_title_fails(tmp_path):
    site = make_site(tmp_path, {"cap.html": section("la-capa")}, [])  # no `(label)=`: not in objects.inv
    assert check_site(site, ["cap.html#la-capa"]) == [
        "cap.html#la-capa: no hand-written label `(la-capa)=` leads to cap.html#la-capa"
    ]


@pytest.mark.unit
def test_heading_without_headerlink_fails(tmp_path):
    site = make_site(tmp_path, {"cap.html": section("cap", headerlink=False)}, ["cap.html#cap"])
    assert check_site(site, ["cap.html#cap"]) == ["cap.html#cap: heading without a headerlink"]


@pytest.mark.unit
def test_moved_page_resolves_through_its_redirect(tmp_path):
    pages = {"nuevo.html": section("cap", section("cap-paso")), "viejo.html": redirect_to("nuevo.html")}
    site = make_site(tmp_path, pages, ["nuevo.html#cap", "nuevo.html#cap-paso"])
    links = ["viejo.html#cap-paso", "nuevo.html#cap", "nuevo.html#cap-paso"]
    assert check_site(site, links) == []
    (site / "nuevo.html").write_text(section("cap"))  # the moved page lost the section
    problems = check_site(site, links)
    assert "viejo.html#cap-paso: does not resolve (nuevo.html has no id or <a name> 'cap-paso')" in problems


@pytest.mark.unit
def test_redirect_to_a_missing_page_fails(tmp_path):
    pages = {"cap.html": section("cap"), "viejo.html": redirect_to("otro.html")}
    site = make_site(tmp_path, pages, ["cap.html#cap"])
    assert check_site(site, ["cap.html#cap", "viejo.html#cap"]) == [
        "viejo.html#cap: does not resolve (page otro.html does not exist)"
    ]


# -- The real site, as `make test` built it ------------------------------------

@pytest.mark.site
def test_built_site_keeps_the_published_links():
    assert check_site(SITE, read_contract(CONTRACT)) == []


@pytest.mark.site
def test_contract_covers_every_page_that_has_sections():
    listed = {link.partition("#")[0] for link in read_contract(CONTRACT)}
    built = {link.partition("#")[0] for link in sections(SITE)}
    assert {"index.html", "parametros.html", "bucle.html", "instructores.html"} <= built
    assert built <= listed, f"pages missing from the contract: {sorted(built - listed)}"


@pytest.mark.site
def test_renaming_a_label_in_a_built_page_breaks_the_contract(tmp_path):
    links = read_contract(CONTRACT)
    skip = shutil.ignore_patterns("_static", ".doctrees")
    site = Path(shutil.copytree(SITE, tmp_path / "html", ignore=skip))
    page, _, anchor = sections(site)[-1].partition("#")
    html = (site / page).read_text(encoding="utf-8")
    renamed = re.sub(rf'(id="|href="#){anchor}"', rf'\g<1>{anchor}-renombrada"', html)
    (site / page).write_text(renamed, encoding="utf-8")
    problems = check_site(site, links)
    assert any(p.startswith(f"{page}#{anchor}: does not resolve") for p in problems)
    assert f"{page}#{anchor}-renombrada: section not in the contract" in problems
