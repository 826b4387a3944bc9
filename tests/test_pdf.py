"""The print edition (`make pdf`): the built site as a PDF book and one PDF per chapter, both editions.

One session build prints the student edition on A4 and the instructors' edition on US Letter into
a temporary folder (_build/pdf is never touched). Text is read with pypdfium2, which also
rasterises each page and lists what it draws; expected text comes from the built HTML pages.
"""

from __future__ import annotations

import copy
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdf_book  # tools/, on pytest's pythonpath
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

import rnn_notes
from rnn_notes.exercises import EXERCISES
from site_contract import parse

# One worker prints the two editions once for every test here (`--dist loadgroup`), instead of
# each worker printing them at the same time.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pdf")]

MM = 72 / 25.4  # PDF points per millimetre
SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """``text`` without whitespace (line breaks fall anywhere in printed code) and with math letters plain (𝐻 as H)."""
    return SPACE.sub("", unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("\ufffe", "").replace("\u2010", "-"))


@dataclass
class Edition:
    """One printed edition: its folder, its book and the text of each of the book's pages."""

    folder: Path
    paper: str
    overflow: dict[str, list[str]]  # what stuck out of each page's text column, as laid out for print
    pages: list[str]

    @property
    def book(self) -> Path:
        """The whole course."""
        return next(self.folder.glob("rnn_notes*.pdf"))

    @property
    def first(self) -> int:
        """The index of the book's page numbered 1, the first chapter's first page (the outline's first entry)."""
        reader = PdfReader(self.book)
        return reader.get_destination_page_number(reader.outline[0])

    @property
    def text(self) -> str:
        """The whole book's text, whitespace removed."""
        return squash("".join(self.pages))


def page_texts(path: Path) -> list[str]:
    """The text of each page of ``path``."""
    document = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


@pytest.fixture(scope="session")
def editions(site, tmp_path_factory) -> dict[str, Edition]:
    """The student edition (A4) and the instructors' edition (US Letter), printed once for every test."""
    if not Path(pdf_book.CHROMIUM).is_file():
        message = f"{pdf_book.CHROMIUM} not found; install Debian's Chromium with: sudo apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    found = {}
    for name, paper, solutions in (("student", "a4", False), ("instructor", "letter", True)):
        folder = tmp_path_factory.mktemp(name)
        _, overflow = pdf_book.build(site, folder, paper, solutions)
        found[name] = Edition(folder, paper, overflow, [])
        found[name].pages = page_texts(found[name].book)
    return found


def chapters(site: Path) -> list[str]:
    """The pages the book prints, in the navigation's order (index first)."""
    index = parse(site / "index.html")
    names = ["index.html"]
    for link in index.select(".sidebar-tree a.reference.internal"):
        name = link["href"].split("#")[0]
        if name and name not in names:
            names.append(name)
    return names


def heading(tag) -> str:
    """A heading's (or a section's) text without its permalink signs; ``tag`` itself is left as it is."""
    tag = copy.copy(tag)  # parse() shares one tree per page with every test of the process
    for link in tag.select("a.headerlink"):
        link.extract()
    return tag.get_text(" ", strip=True)


def test_every_page_of_the_navigation_has_its_chapter_pdf(site, editions):
    names = {Path(name).stem for name in chapters(site)[1:]}
    assert {p.stem for p in editions["student"].folder.glob("*.pdf")} == names | {"rnn_notes"}
    assert {p.stem for p in editions["instructor"].folder.glob("*.pdf")} == {f"{n}-soluciones" for n in names | {"rnn_notes"}}


def test_the_title_page_carries_the_version_and_the_edition(editions):
    assert f"rnn_notes {rnn_notes.__version__}" in editions["student"].pages[0]
    assert "estudiantes" in editions["student"].pages[0]
    assert "instructores" in editions["instructor"].pages[0]


def test_the_contents_give_each_chapter_and_section_the_page_it_starts_on(site, editions):
    """Each contents entry's number is the printed number of a page whose text holds that title."""
    for edition in editions.values():
        first = edition.first
        contents, cursor, checked = unicodedata.normalize("NFKC", "\n".join(edition.pages[1:first])), 0, 0
        for name in chapters(site):
            page = parse(site / name)
            titles = [heading(page.select_one("article h1"))] + [heading(h) for h in page.select("article section > h2")]
            for title in titles:
                spaced = r"\s*".join(map(re.escape, squash(title)))  # <code> in a heading adds spaces
                entry = re.compile(spaced + r"\s*(\d+)(?!\d)").search(contents, cursor)
                assert entry, f"{title!r} ({name}) is not in the contents, in order"
                cursor = entry.end()
                printed = edition.pages[first + int(entry[1]) - 1]
                assert squash(title) in squash(printed), f"{title!r}: the contents say p. {entry[1]}"
                checked += 1
        assert checked > 100


def test_every_chapter_and_section_title_is_printed(site, editions):
    for edition in editions.values():
        for name in chapters(site):
            for tag in parse(site / name).select("article h1, article h2, article h3"):
                assert squash(heading(tag)) in edition.text, f"{heading(tag)!r} ({name})"


def test_every_body_page_carries_its_chapter_title_and_page_number(site, editions):
    titles = [heading(parse(site / name).select_one("article h1")) for name in chapters(site)]
    for edition in editions.values():
        reader = PdfReader(edition.book)
        starts = {item.title: reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
        assert list(starts) == titles  # the book's outline: the chapters in the navigation's order
        bounds = list(starts.values()) + [len(edition.pages)]
        for title, start, end in zip(titles, bounds, bounds[1:]):
            for index in range(start, end):
                head, *_, foot = edition.pages[index].strip().splitlines()
                assert squash(title) in squash(edition.pages[index]), (title, index)
                assert foot.strip() == str(index - bounds[0] + 1), (title, index, foot)


def test_the_cells_outputs_are_printed(site, editions):
    """Every output of every page (the seed's numbers), read from the built HTML; solutions aside."""
    count = 0
    for name in chapters(site):
        for pre in parse(site / name).select("div.cell_output pre"):
            if pre.find_parent("div", class_="tag_solution"):
                continue
            for edition in editions.values():
                assert squash(pre.get_text()) in edition.text, f"{name}: {pre.get_text()[:80]!r}"
            count += 1
    assert count > 100


def test_the_student_edition_has_no_solution_and_the_instructors_edition_all_in_place(site, editions):
    """Each solution is identified by its verdict line, "✔ Ejercicio <id>: correcto.", printed once after its exercise."""
    student, instructor = editions["student"].text, editions["instructor"].text
    assert len(EXERCISES) > 20
    for exercise_id in EXERCISES:
        assert squash(f"✔ Ejercicio {exercise_id}: correcto.") not in student
        assert instructor.count(squash(f"✔ Ejercicio {exercise_id}: correcto.")) == 1, exercise_id
    for name in chapters(site)[1:]:
        cells = parse(site / name).select("div.cell.tag_solution")
        printed = squash("".join(page_texts(editions["instructor"].folder / f"{Path(name).stem}-soluciones.pdf")))
        for cell in cells:
            code = squash(cell.select_one("div.cell_input pre").get_text())
            assert code not in student
            exercise = heading(cell.find_parent("section").find(["h2", "h3", "h4"]))
            assert printed.index(squash(exercise)) < printed.index(code), f"{name}: {exercise}'s solution comes first"


def test_the_predictions_answers_are_printed_open(site, editions):
    predictions = [cell for name in chapters(site) for cell in parse(site / name).select("div.cell.prediccion")]
    assert len(predictions) > 10
    for edition in editions.values():
        assert edition.text.count(squash("Respuesta")) >= len(predictions)
        assert "Mostrarlarespuesta" not in edition.text and "Ocultarlarespuesta" not in edition.text


def test_every_figure_is_drawn_above_its_caption(site, editions):
    """Figures are vector drawings (their labels are outlines, not text): many shapes drawn just above the caption.

    A code block draws five shapes (its background and borders); a figure, dozens of cells, lines and glyphs.
    """
    captions = []
    for name in chapters(site):
        for figure in parse(site / name).select("figure.rnn-figure"):
            assert figure.svg and figure.figcaption, f"{name}: a figure without its drawing or caption"
            captions.append(figure.figcaption.get_text(" ", strip=True))
    assert len(captions) >= 15
    document = pdfium.PdfDocument(editions["student"].book)
    for caption in captions:
        index = next((i for i, text in enumerate(editions["student"].pages) if squash(caption) in squash(text)), None)
        assert index is not None, f"caption not printed: {caption!r}"
        page, shapes = document[index], []
        search = page.get_textpage().search(caption[:40])  # the caption, or a sentence that quotes it
        while (found := search.get_next()) is not None:
            top = page.get_textpage().get_charbox(found[0])[3]
            above = [obj for obj in page.get_objects(max_depth=5) if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT
                     and top < obj.get_bounds()[1] < top + 120 * MM]
            shapes = max(shapes, above, key=len)
        assert len(shapes) >= 15, f"{caption!r}: {len(shapes)} shapes above it"


def test_external_links_show_their_address_and_internal_links_their_page(site, editions):
    text = editions["student"].text
    external = 0
    for name in chapters(site):
        for link in parse(site / name).select("article a.reference.external[href^=http]"):
            if link.get_text(strip=True) != link["href"]:
                assert squash(f"({link['href']})") in text, f"{name}: {link['href']}"
                external += 1
    assert external > 5
    # "(p. N)" after an internal link: N is a page of the book whose text has the link's target title.
    pages = editions["student"].pages
    first = editions["student"].first
    numbers = [int(n) for n in re.findall(r"\(p\.\s*(\d+)\)", "".join(pages))]
    assert len(numbers) > 20 and all(1 <= n <= len(pages) - first for n in numbers)
    page = parse(site / "paso-columna.html")
    link = page.select_one('article a.reference.internal[href^="referencias.html#"]')
    target = parse(site / "referencias.html").find(id=link["href"].split("#")[1])
    found = re.search(re.escape(squash(link.get_text())) + r"\(p\.(\d+)\)", text)
    assert found, link.get_text()
    assert squash(heading(target))[:40] in squash(pages[first + int(found[1]) - 1])


def test_nothing_sticks_out_of_the_text_column(editions):
    """Laid out for print, no element of any page is wider than the column (else it is cut or in the margin)."""
    for edition in editions.values():
        assert edition.overflow == {}


def test_nothing_is_drawn_in_the_side_margins_and_every_page_is_light(editions):
    """Each page rasterised at 36 dpi: the side margins (less 3 mm) stay white; the page is mostly white."""
    for edition in editions.values():
        for path in edition.folder.glob("*.pdf"):
            document = pdfium.PdfDocument(path)
            for index, page in enumerate(document):
                image = page.render(scale=0.5, grayscale=True).to_pil()
                width, height = image.size
                scale = width / page.get_width()
                strip = round((pdf_book.MARGIN["right"] - 3) * MM * scale)
                left = image.crop((0, 0, strip, height))
                right = image.crop((width - strip, 0, width, height))
                assert left.getextrema()[0] >= 250, f"{path.name} page {index + 1}: drawn in the left margin"
                assert right.getextrema()[0] >= 250, f"{path.name} page {index + 1}: drawn beyond the right margin"
                histogram = image.histogram()
                assert sum(histogram[240:]) > 0.6 * width * height, f"{path.name} page {index + 1}: dark page"
            document.close()


def test_the_paper_sizes(editions):
    for edition in editions.values():
        box = PdfReader(edition.book).pages[10].mediabox
        width, height = pdf_book.PAPERS[edition.paper][1:]
        assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (round(width), round(height))


def fonts(resources, seen: set) -> list:
    """Every font dictionary reachable from a page's resources (form XObjects included)."""
    found = []
    if resources is None or id(resources) in seen:
        return found
    seen.add(id(resources))
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += fonts(xobject.get("/Resources"), seen)
    return found


def test_every_font_is_embedded(editions):
    for edition in editions.values():
        reader = PdfReader(edition.book)
        checked = 0
        for number, page in enumerate(reader.pages, 1):
            for font in fonts(page.get("/Resources"), set()):
                assert font["/Subtype"] != "/Type3" or "/CharProcs" in font, number
                if font["/Subtype"] == "/Type3":
                    continue  # drawn by its own glyph procedures: nothing to embed
                descendant = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
                descriptor = descendant["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"p. {number}: {font.get('/BaseFont')}"
                checked += 1
        assert checked > 100


def test_no_link_leads_to_a_local_file(editions):
    """Links into the site become the book's own pages (a handout drops them); none names this machine's files."""
    for edition in editions.values():
        for path in edition.folder.glob("*.pdf"):
            reader = PdfReader(path)
            internal = 0
            for page in reader.pages:
                for annot in page.get("/Annots") or []:
                    annot = annot.get_object()
                    if "/A" in annot:
                        assert str(annot["/A"].get("/URI", "")).startswith(("http:", "https:", "mailto:")), path.name
                    else:
                        assert reader.get_page_number(annot["/Dest"][0].get_object()) not in (None, -1), path.name
                        internal += 1
            assert internal > 100 if path == edition.book else internal == 0, path.name


def test_each_lab_prints_as_its_note_and_static_table(site, editions):
    labs = [lab for name in chapters(site) for lab in parse(site / name).select("div.lab")]
    assert len(labs) >= 3
    for edition in editions.values():
        for lab in labs:
            assert squash(lab.select_one(".lab-note").get_text()) in edition.text  # where the lab is on the site
            for cell in lab.select("table.lab-static td"):
                assert squash(cell.get_text()) in edition.text
        assert squash("Todo ceros") not in edition.text  # the form (its preset buttons) is not printed
