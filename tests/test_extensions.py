"""The site's Sphinx extensions on small projects of their own (tests/roots/), not on the whole site."""

import json
import shutil

import pytest
from sphinx.testing.util import SphinxTestApp

import rnn_notes

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def course(rootdir, tmp_path_factory):
    """tests/roots/test-course built once: a one-chapter site with labels, code and a broken reference."""
    srcdir = shutil.copytree(rootdir / "test-course", tmp_path_factory.mktemp("course") / "src")
    app = SphinxTestApp("html", srcdir=srcdir, freshenv=True)
    app.build()
    yield app
    app.cleanup()


def notebook_markdown(app) -> list[str]:
    """The Markdown cells of the chapter's downloaded notebook."""
    cells = json.loads((app.outdir / "index.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def test_download_rewrites_prose_and_keeps_code(course):
    markdown = "\n".join(notebook_markdown(course))
    assert '<a id="cap-paso"></a>\n## Un paso' in markdown
    assert "Ver Un paso, [aquí](#cap-paso) y ``{ref}`cap-paso` `` como código." in markdown
    assert "```text\n(cap-paso)=\n[texto](cap-paso) {ref}`cap-paso`\n```" in markdown


def test_download_opens_with_the_version_and_how_to_install_it(course):
    first = notebook_markdown(course)[0]
    assert f"`rnn_notes` {rnn_notes.__version__}" in first
    assert f"pip install rnn_notes-{rnn_notes.__version__}-py3-none-any.whl" in first


def test_an_unresolvable_reference_is_a_warning_at_its_line(course):
    source = (course.srcdir / "index.md").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(source, 1) if "no-existe" in text)
    warnings = [w for w in course.warning.getvalue().splitlines() if "downloaded notebook" in w]
    assert len(warnings) == 1, course.warning.getvalue()
    assert f"index.md:{line}:" in warnings[0] and "{ref}`no-existe`" in warnings[0]


def test_published_links_list_each_link_with_its_section_title(course):
    page = (course.outdir / "index.html").read_text(encoding="utf-8")
    for link, title in (("index.html#cap", "Capítulo"), ("index.html#cap-paso", "Un paso")):
        item = page[page.index(f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{link}</span>") - 400:]
        assert title in item.split("<code")[0] or title in item[:400], item[:400]
