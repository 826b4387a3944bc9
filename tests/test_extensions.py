"""The site's Sphinx extensions (rnn_site) on small projects of their own (tests/roots/), not on the whole site."""

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from sphinx.testing.util import SphinxTestApp

import rnn_notes
from helpers import locked_version

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]


def build_copy(rootdir, tmp_path_factory, name: str, pages: dict[str, str] = {}, **confoverrides) -> SphinxTestApp:
    """Build a fresh copy of tests/roots/test-<name>, with these extra pages (name: text), and return its app."""
    srcdir = shutil.copytree(rootdir / f"test-{name}", tmp_path_factory.mktemp(name) / "src")
    for page, text in pages.items():
        (srcdir / page).write_text(text, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=srcdir, freshenv=True, confoverrides=confoverrides)
    app.build()
    return app


def built(rootdir, tmp_path_factory, name: str):
    """Build tests/roots/test-<name> once in a fresh copy; yield the Sphinx app, clean up after."""
    app = build_copy(rootdir, tmp_path_factory, name)
    yield app
    app.cleanup()


@pytest.fixture(scope="module")
def course(rootdir, tmp_path_factory):
    """tests/roots/test-course built once: a one-chapter site with labels, code and a broken reference."""
    yield from built(rootdir, tmp_path_factory, "course")


def notebook_markdown(app) -> list[str]:
    """The Markdown cells of the chapter's downloaded notebook."""
    cells = json.loads((app.outdir / "index.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def test_download_rewrites_prose_and_keeps_code(course):
    markdown = "\n".join(notebook_markdown(course))
    assert '<a id="cap-paso"></a>\n## Un paso' in markdown
    assert "Ver Un paso, [aquí](#cap-paso) y ``{ref}`cap-paso` `` como código." in markdown
    assert "```text\n(cap-paso)=\n[texto](cap-paso) {ref}`cap-paso`\n```" in markdown


def test_download_opens_with_two_lines_that_install_jupyter_and_the_tested_versions(course):
    first = notebook_markdown(course)[0]
    torch = locked_version("torch")  # the version the site is built and tested with
    declared = next(Requirement(dep) for dep in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"] if Requirement(dep).name == "torch").specifier
    (fence,) = [token for token in MarkdownIt().parse(first) if token.type == "fence"]
    assert fence.info == "sh"
    assert fence.content.splitlines() == [
        f"pip install jupyterlab torch=={torch}",
        f"pip install rnn_notes-{rnn_notes.__version__}-py3-none-any.whl",
    ]
    assert f"`rnn_notes` {rnn_notes.__version__} y PyTorch {torch}." in first
    assert f"declara `torch{declared}`, pero solo se prueba con PyTorch {torch}." in first


def test_an_unresolvable_reference_is_a_warning_at_its_line(course):
    source = (course.srcdir / "index.md").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(source, 1) if "no-existe" in text)
    warnings = [w for w in course.warning.getvalue().splitlines() if "downloaded notebook" in w]
    assert len(warnings) == 1, course.warning.getvalue()
    assert f"index.md:{line}:" in warnings[0] and "{ref}`no-existe`" in warnings[0]


def test_published_links_list_each_link_with_its_section_title(course):
    soup = BeautifulSoup((course.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    items = {item.code.get_text(): (item.a.get_text(), item.a["href"]) for item in soup.select("li") if item.code}
    assert items == {"index.html#cap": ("Capítulo", "#cap"), "index.html#cap-paso": ("Un paso", "#cap-paso")}


def test_published_links_follow_the_contents_and_keep_math_and_code_in_titles(rootdir, tmp_path_factory):
    other = "---\norphan: true\n---\n(otra)=\n# Otra\n\n(otra-forma)=\n## La forma {math}`D \\cdot H` de `h_n`\n"
    links = "otra.html#otra-forma\nindex.html#cap-paso\notra.html#otra\nindex.html#cap\n"  # out of order
    app = build_copy(rootdir, tmp_path_factory, "course", {"otra.md": other, "links.txt": links})
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    items = [item for item in soup.select("li") if item.code]
    # the pages in the table of contents first, then those outside it (the orphan); each page's sections in order
    assert [item.find_all("code")[-1].get_text() for item in items] == [
        "index.html#cap", "index.html#cap-paso", "otra.html#otra", "otra.html#otra-forma"]
    title = items[3].a
    assert title.select_one("span.math") is not None and title.code.get_text() == "h_n"
    app.cleanup()


def test_the_list_follows_a_title_changed_on_another_page_in_the_next_build(rootdir, tmp_path_factory):
    other = "---\norphan: true\n---\n(otra)=\n# Otra\n\n(otra-forma)=\n## {title}\n"
    app = build_copy(rootdir, tmp_path_factory, "course", {"otra.md": other.format(title="Antes"),
                                                            "links.txt": "otra.html#otra-forma\n"})
    app.cleanup()
    (app.srcdir / "otra.md").write_text(other.format(title="Después"), encoding="utf-8")
    again = SphinxTestApp("html", srcdir=app.srcdir, freshenv=False)  # incremental: index.md itself is unchanged
    again.build()
    soup = BeautifulSoup((again.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [item.a.get_text() for item in soup.select("li") if item.code] == ["Después"]
    again.cleanup()


# -- rnn_site.exercise_list ---------------------------------------------------------


@pytest.fixture(scope="module")
def exercises_site(rootdir, tmp_path_factory):
    """tests/roots/test-exercises built once: a chapter with one good and two faulty solutions, and the list."""
    yield from built(rootdir, tmp_path_factory, "exercises")


def test_a_solution_off_the_convention_is_a_warning_at_its_cell(exercises_site):
    source = (exercises_site.srcdir / "capitulo.md").read_text(encoding="utf-8").splitlines()
    warnings = exercises_site.warning.getvalue()
    for exercise_id, words in (("cap-sin-strict", "must end with check("), ("cap-visible", "also be tagged hide-cell")):
        line = next(i for i, text in enumerate(source, 1) if f'check("{exercise_id}"' in text)
        found = [w for w in warnings.splitlines() if words in w]
        assert len(found) == 1, warnings
        assert "capitulo.md:" in found[0]
        assert int(found[0].split("capitulo.md:")[1].split(":")[0]) <= line


def test_the_exercise_list_links_each_exercise_and_both_notebooks(exercises_site):
    page = (exercises_site.outdir / "index.html").read_text(encoding="utf-8")
    assert 'href="capitulo.html#cap-ejercicio-bueno"' in page and "Un ejercicio bien escrito" in page
    assert "cap-bueno" in page and "cap-sin-strict" not in page  # only well-formed exercises
    assert 'href="capitulo.ipynb"' in page and 'href="capitulo-soluciones.ipynb"' in page


def test_the_students_notebook_has_empty_answers_and_the_instructors_the_solutions(exercises_site):
    def code(name: str) -> list[str]:
        cells = json.loads((exercises_site.outdir / name).read_text(encoding="utf-8"))["cells"]
        return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]

    students, instructors = code("capitulo.ipynb"), code("capitulo-soluciones.ipynb")
    assert students[1] == 'answer = None\ncheck("cap-bueno", answer)'
    assert instructors[1] == 'y = x + 1\ncheck("cap-bueno", y, strict=True)'
    assert students[0] == instructors[0] == "x = 1"
    assert students[2:] == ['answer = None\ncheck("cap-visible", answer)']  # the cell off the convention is left out
    page = (exercises_site.outdir / "capitulo.html").read_text(encoding="utf-8")
    assert "con los ejercicios por resolver (capitulo.ipynb)" in page


@pytest.mark.parametrize(
    "source",
    ['check("a-b", x)', 'check(name, x, strict=True)', 'check("a-b", x, strict=True)\nprint(1)', "check(", ""],
)
def test_solution_id_refuses_a_cell_that_does_not_end_with_a_strict_check(source):
    from rnn_site.exercise_list import solution_id

    with pytest.raises(ValueError):
        solution_id(source)


# -- Typed warnings -----------------------------------------------------------------


BAD_MATH = "---\norphan: true\n---\n# Mal\n\n$\\nosuchcommand$\n"  # a page of tests/roots/test-mathml


@pytest.mark.parametrize(("root", "subtype", "words", "pages"), [
    ("course", "download", "in a downloaded notebook", {}),
    ("exercises", "exercise", "must end with check(", {}),
    ("mathml", "mathml", "cannot convert", {"mal.md": BAD_MATH}),
])
def test_each_kind_of_warning_is_typed_and_silenced_by_its_subtype_alone(
    rootdir, tmp_path_factory, root, subtype, words, pages,
):
    other = "mathml" if subtype != "mathml" else "download"
    kept = build_copy(rootdir, tmp_path_factory, root, pages, suppress_warnings=[f"rnn_site.{other}"])
    found = [line for line in kept.warning.getvalue().splitlines() if words in line]
    kept.cleanup()
    assert found and all(f"[rnn_site.{subtype}]" in line for line in found), found
    silenced = build_copy(rootdir, tmp_path_factory, root, pages, suppress_warnings=[f"rnn_site.{subtype}"])
    warnings = silenced.warning.getvalue()
    silenced.cleanup()
    assert words not in warnings and "rnn_site" not in warnings, warnings
