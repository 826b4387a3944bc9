"""Every chapter ends with exercises whose solutions are hidden and were checked when the site was built."""

import re

import pytest
from bs4 import BeautifulSoup

from rnn_notes.exercises import EXERCISES
from site_contract import DOCS, SITE

pytestmark = pytest.mark.site
CHECK = re.compile(r'check\("([a-z0-9-]+)"')


def chapters() -> list[str]:
    """The pages of the index's first toctree: the chapters, in reading order."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    block = index.split("```{toctree}", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith(":")]


CHAPTERS = chapters()


def soup(name: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / name).read_text(encoding="utf-8"), "html.parser")


def solutions(page: BeautifulSoup) -> dict[str, tuple[str, object]]:
    """Exercise id -> (the id of its section, its <details>), from the hidden solution cells."""
    found = {}
    for details in page.select("div.tag_solution details.hide"):  # not the hidden outputs of predictions
        ids = CHECK.findall(details.select_one("div.cell_input").get_text())
        assert len(ids) == 1, details.get_text()[:200]
        assert ids[0] not in found, f"{ids[0]} is solved twice"
        found[ids[0]] = (details.find_parent("section")["id"], details)
    return found


def test_the_index_lists_the_chapters():
    assert CHAPTERS[0] == "parametros" and len(CHAPTERS) >= 13


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_chapter_ends_with_at_least_two_exercises_with_hidden_checked_solutions(site, chapter):
    page = soup(f"{chapter}.html")
    sections = page.select("article section > h2")
    assert sections[-1].find_parent("section")["id"] == f"{chapter}-ejercicios", "the exercises are the last section"
    found = solutions(page)
    registered = {i for i, e in EXERCISES.items() if e.chapter == chapter}
    assert len(found) >= 2 and set(found) == registered
    for exercise_id, (section, details) in found.items():
        assert section.startswith(f"{chapter}-ejercicio-")
        assert details.find_parent("section", id=f"{chapter}-ejercicios")
        assert not details.has_attr("open")
        assert details.summary.get_text(" ", strip=True).startswith("Mostrar la solución")
        last = details.select("div.cell_output div.output")[-1]  # a solution may print along the way
        assert last.get_text().strip() == f"✔ Ejercicio {exercise_id}: correcto."


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_download_box_offers_the_students_notebook(site, chapter):
    box = soup(f"{chapter}.html").select_one(".downloads")
    link = box.find("a", href=f"{chapter}.ipynb")
    assert link and "ejercicios por resolver" in link.get_text()
    assert not box.find("a", href=f"{chapter}-soluciones.ipynb")  # offered on the instructors page


def test_the_instructors_page_lists_every_exercise_with_its_link_and_both_notebooks(site):
    listing = soup("instructores.html").find(id="instructores-ejercicios")
    hrefs = {a["href"] for a in listing.find_all("a")}
    for chapter in CHAPTERS:
        assert {f"{chapter}.html", f"{chapter}.ipynb", f"{chapter}-soluciones.ipynb"} <= hrefs
        assert (SITE / f"{chapter}.ipynb").is_file() and (SITE / f"{chapter}-soluciones.ipynb").is_file()
        for exercise_id, (section, _) in solutions(soup(f"{chapter}.html")).items():
            link = listing.find("a", href=f"{chapter}.html#{section}")
            assert link is not None, exercise_id
            assert link.find_parent("li").find("code").get_text() == exercise_id
    listed = [code.get_text() for code in listing.select("li li code")]
    assert sorted(listed) == sorted(EXERCISES)
    chapters_in_order = [a["href"] for a in listing.select(":scope > ul > li > p > a:first-child")]
    assert chapters_in_order == [f"{chapter}.html" for chapter in CHAPTERS]
