"""tools/compare_html.py: two built sites compared page by page, asset hashes ignored."""

from pathlib import Path

import pytest

from compare_html import compare, main, normal_url

pytestmark = pytest.mark.unit

PAGE = """<html><head>
<link rel="stylesheet" href="_static/styles/furo.css?v={v}">
<link rel="stylesheet" href="_static/mystnb.{digest}.css">
<script src="_static/doctools.js?v={v}"></script>
</head><body><p id="a">{text}</p><img srcset="_images/f.{digest}.png 2x"></body></html>"""


def write_site(root: Path, pages: dict[str, str]) -> Path:
    """A folder of HTML files, one per entry (names may hold a sub-folder)."""
    for name, html in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(html, encoding="utf-8")
    return root


def page(text: str = "Hola", v: str = "7bdb33bb", digest: str = "11b39860a7a0cbfd") -> str:
    return PAGE.format(text=text, v=v, digest=digest)


def test_urls_lose_their_hashes_and_keep_the_rest():
    assert normal_url("_static/furo.css?v=7bdb33bb") == "_static/furo.css"
    assert normal_url("_static/x.js?digest=abc&lang=es") == "_static/x.js?lang=es"
    assert normal_url("_static/mystnb.11b39860a7a0cbfd473a.css") == "_static/mystnb.<hash>.css"
    assert normal_url("bucle.html#bucle-ejercicios") == "bucle.html#bucle-ejercicios"
    assert normal_url("https://example.org/a.css?v=1") == "https://example.org/a.css?v=1"


def test_sites_that_differ_only_in_asset_hashes_are_the_same(tmp_path, capsys):
    old = write_site(tmp_path / "old", {"index.html": page(), "_modules/m.html": page("m")})
    new = write_site(tmp_path / "new", {"index.html": page(v="0000ffff", digest="22c4aa0000000000"),
                                        "_modules/m.html": page("m", v="1234abcd")})
    assert compare(old, new) == []
    assert main([str(old), str(new)]) == 0
    assert capsys.readouterr().out == "2 pages, no difference\n"


def test_a_changed_text_a_new_page_and_a_missing_page_are_each_reported(tmp_path, capsys):
    old = write_site(tmp_path / "old", {"index.html": page(), "gone.html": page()})
    new = write_site(tmp_path / "new", {"index.html": page("Adiós"), "sub/new.html": page()})
    report = compare(old, new)
    assert report[:2] == [f"only in {old}: gone.html", f"only in {new}: sub/new.html"]
    assert report[2:4] == [f"--- {old / 'index.html'}", f"+++ {new / 'index.html'}"]
    assert [line for line in report if line[:1] in "+-" and line[:3] not in ("---", "+++")] == ["-   Hola", "+   Adiós"]
    assert main([str(old), str(new)]) == 1
    assert "+   Adiós" in capsys.readouterr().out


def test_a_changed_attribute_is_reported(tmp_path):
    old = write_site(tmp_path / "old", {"index.html": page()})
    new = write_site(tmp_path / "new", {"index.html": page().replace('id="a"', 'id="b"')})
    changed = [line for line in compare(old, new) if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == ['-  <p id="a">', '+  <p id="b">']


def test_a_missing_folder_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exit:
        main([str(tmp_path / "nope"), str(tmp_path)])
    assert exit.value.code == 2


SVG = ('<p>x</p><svg {attrs}><defs><clipPath id="{p}-clip"><rect/></clipPath></defs>'
       '<g id="{p}-figure_1" clip-path="url(#{p}-clip)"><path d="{d}"/></g></svg>')


def test_svg_serialisation_is_not_a_difference(tmp_path):
    old = write_site(tmp_path / "old", {"a.html": SVG.format(
        attrs='viewBox="0 0 1 1" role="img"', p="f0db74dba", d="M 0 1 \nL 2 3 \nz\n")})
    new = write_site(tmp_path / "new", {"a.html": SVG.format(
        attrs='role="img" viewBox="0 0 1 1"', p="f27f27be0", d="M 0 1  L 2 3  z ")})
    assert compare(old, new) == []


def test_a_figure_that_draws_something_else_is_a_difference(tmp_path):
    old = write_site(tmp_path / "old", {"a.html": SVG.format(attrs="", p="f1", d="M 0 1 L 2 3")})
    new = write_site(tmp_path / "new", {"a.html": SVG.format(attrs="", p="f2", d="M 0 1 L 2 4")})
    assert any("L 2 4" in line for line in compare(old, new))
