"""Every chapter is a course page: a prediction to make before each answer, folded; a summary; errors page links."""

import pytest

from site_contract import SITE, parse
from test_exercise_pages import CHAPTERS

pytestmark = pytest.mark.site


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_asks_at_least_two_predictions_with_the_answer_folded(chapter):
    page = parse(SITE / f"{chapter}.html")
    cells = page.select("div.cell.prediccion")
    assert len(cells) >= 2, f"{chapter}: {len(cells)} prediction blocks"
    for cell in cells:
        folded = cell.select_one("details.hide")
        assert folded is not None and not folded.has_attr("open"), "the answer starts folded"
        assert folded.summary.get_text(" ", strip=True).startswith("Ver la respuesta")
        question = cell.find_previous_sibling("p")
        assert question is not None and question.get_text().startswith("Predice"), question


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_ends_with_a_summary_before_its_exercises(chapter):
    page = parse(SITE / f"{chapter}.html")
    titles = [h.get_text(strip=True).rstrip("#¶") for h in page.select("article section > h2")]
    assert "Resumen" in titles, titles
    assert titles.index("Resumen") == len(titles) - 2 and titles[-1] == "Ejercicios", titles


def test_the_frequent_errors_page_links_ten_answers_that_exist():
    page = parse(SITE / "errores-frecuentes.html")
    links = [a["href"] for a in page.select("article a.reference.internal") if "#confusion-" in a["href"]]
    assert len(set(links)) == 10, links
    for href in links:
        target, anchor = href.split("#")
        assert parse(SITE / target).find(id=anchor) is not None, href
