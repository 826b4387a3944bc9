"""The chapters' exercises: found in the pages, listed for instructors, removed for students.

An exercise is a section whose solution is a code cell tagged ``solution`` (and ``hide-cell``, so
the page shows it closed) ending with ``check("<id>", <answer>, strict=True)``.

- While reading, each page's exercises are collected (section label, title, id), and a solution
  cell that breaks the convention is a warning.
- The ``exercise-list`` directive lists every exercise, chapter by chapter, with its link and
  the chapter's two notebooks.
- ``students_notebook`` replaces each solution cell by ``answer = None`` and the check call.
"""

from __future__ import annotations

import ast
import json
import posixpath
from html import escape
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import WARNING_TYPE
from .notebooks import cell_source, copy_notebook

logger = logging.getLogger(__name__)
SOLUTION = "solution"


class Found(NamedTuple):
    """An exercise as a page holds it: its section's label and title, and its id."""

    label: str
    title: str
    exercise: str


def solution_id(source: str) -> str:
    """The exercise id of a solution cell; ``ValueError`` unless it ends with ``check("<id>", ..., strict=True)``."""
    try:
        body = ast.parse(source).body
    except SyntaxError as error:
        raise ValueError(f"the solution cell is not valid Python: {error.msg}") from None
    last = body[-1] if body else None
    call = last.value if isinstance(last, ast.Expr) else None
    if not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"
        and len(call.args) == 2 and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
        and [(k.arg, getattr(k.value, "value", None)) for k in call.keywords] == [("strict", True)]
    ):
        raise ValueError('a solution cell must end with check("<exercise id>", <answer>, strict=True)')
    return call.args[0].value


def student_cell_source(exercise_id: str) -> str:
    """What a student's notebook has in place of a solution."""
    return f"answer = None\ncheck({json.dumps(exercise_id)}, answer)"


def tags(metadata: dict) -> list[str]:
    """A cell's tags."""
    return list(metadata.get("tags", []))


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """Record the exercises of the page just read; warn about a solution cell off the convention."""
    found = []
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code" or SOLUTION not in tags(cell.get("cell_metadata", {})):
            continue
        source = next(iter(cell.findall(nodes.literal_block)), None)
        section = cell.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        try:
            if "hide-cell" not in tags(cell["cell_metadata"]):
                raise ValueError("a solution cell must also be tagged hide-cell, so the page shows it closed")
            exercise = solution_id(source.astext() if source is not None else "")
            if section is None or not section["ids"]:
                raise ValueError("a solution must be inside its exercise's labelled section")
        except ValueError as error:
            logger.warning(str(error), location=cell, type=WARNING_TYPE, subtype="exercise")
            continue
        found.append(Found(section["ids"][0], section.next_node(nodes.title).astext(), exercise))
    exercises(app.env)[app.env.docname] = found


def exercises(env: BuildEnvironment) -> dict[str, list[Found]]:
    """The exercises found so far, page by page."""
    if not hasattr(env, "rnn_notes_exercises"):
        env.rnn_notes_exercises = {}
    return env.rnn_notes_exercises


def list_pages(env: BuildEnvironment) -> set[str]:
    """The pages that hold an ``exercise-list``."""
    if not hasattr(env, "rnn_notes_exercise_lists"):
        env.rnn_notes_exercise_lists = set()
    return env.rnn_notes_exercise_lists


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget what a page held before it is read again."""
    exercises(env).pop(docname, None)
    list_pages(env).discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """Take what a parallel reader found."""
    exercises(env).update({name: found for name, found in exercises(other).items() if name in docnames})
    list_pages(env).update(list_pages(other) & docnames)


def list_pages_are_outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """A page with the exercise list is written again whenever any page changes."""
    return sorted(list_pages(env) & env.found_docs) if added or changed or removed else []


class exercise_list(nodes.General, nodes.Element):
    """Where the list of every exercise goes once all pages are read."""


class ExerciseList(SphinxDirective):
    """``exercise-list``: every exercise of the site, chapter by chapter, with links."""

    def run(self) -> list[nodes.Node]:
        list_pages(self.env).add(self.env.docname)
        return [exercise_list()]


def chapter_order(env: BuildEnvironment) -> list[str]:
    """The pages in the order of the root toctree, depth first."""
    order, stack = [], [env.config.root_doc]
    while stack:
        name = stack.pop(0)
        if name not in order:
            order.append(name)
            stack[:0] = env.toctree_includes.get(name, [])
    return order


def download_links(files: list[tuple[str, str]]) -> nodes.paragraph:
    """A line of download links, ``text (file)``, separated by middle dots."""
    line = nodes.paragraph()
    for index, (uri, text) in enumerate(files):
        if index:
            line += nodes.Text(" · ")
        ref = addnodes.download_reference("", "", refuri=uri)
        ref += nodes.inline("", f"{text} ({posixpath.basename(uri)})")
        line += ref
    return line


def chapter_item(app: Sphinx, docname: str, chapter: str, found: list[Found]) -> nodes.list_item:
    """A chapter's entry of the list: its title, its two notebooks and its exercises, linked from ``docname``."""
    uri = app.builder.get_relative_uri(docname, chapter)
    folder, name = posixpath.dirname(uri), Path(chapter).name
    notebooks = [(posixpath.join(folder, f"{name}.ipynb"), "para estudiantes"),
                 (posixpath.join(folder, f"{name}-soluciones.ipynb"), "con soluciones")]
    line = nodes.paragraph()
    line += nodes.reference("", app.env.titles[chapter].astext(), internal=True, refuri=uri)
    line += nodes.Text(". Cuadernos: ")
    line += download_links(notebooks).children
    entries = nodes.bullet_list()
    for item in found:
        entry = nodes.paragraph()
        entry += nodes.reference("", item.title, internal=True, refuri=f"{uri}#{item.label}")
        entry += nodes.Text(" ")
        entry += nodes.literal("", item.exercise)
        entries += nodes.list_item("", entry)
    return nodes.list_item("", line, entries)


def fill_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each ``exercise-list`` by the list of exercises, chapter by chapter in reading order."""
    order = chapter_order(app.env)
    found = {name: items for name, items in exercises(app.env).items() if items}
    chapters = sorted(found, key=lambda name: (order.index(name) if name in order else len(order), name))
    for placeholder in list(doctree.findall(exercise_list)):
        placeholder.replace_self(nodes.bullet_list("", *(chapter_item(app, docname, c, found[c]) for c in chapters)))


def students_notebook(notebook: dict) -> dict:
    """A copy of a notebook whose solution cells are the student's empty answer and check call.

    A solution cell off the convention (already a warning while reading) is left out, never shipped.
    """
    notebook = copy_notebook(notebook)
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and SOLUTION in tags(cell.get("metadata", {})):
            try:
                cell["source"] = student_cell_source(solution_id(cell_source(cell)))
            except ValueError:
                continue
            cell["metadata"] = {"tags": ["answer"]}
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def visit_hidden_cell(self, node: HideCodeCellNode) -> None:
    """myst-nb's ``<details>`` for a hidden cell, without its English ``aria-label``.

    myst-nb names every summary "Toggle hidden content"; without the label, a screen reader
    reads the summary's own Spanish text ("Mostrar la solución").
    """
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def setup(app: Sphinx) -> dict:
    """Register the collector, the ``exercise-list`` directive and its filling, and a Spanish summary."""
    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.add_node(exercise_list)
    app.add_directive("exercise-list", ExerciseList)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", list_pages_are_outdated)
    app.connect("doctree-resolved", fill_lists)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
