"""No page of the built site loads anything from outside it: checked in the HTML and CSS themselves."""

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from site_contract import parse

pytestmark = pytest.mark.site

# Attributes through which a page loads a resource (an <a href> is a link a reader may follow, not a load).
LOADING = {
    "script": ["src"], "link": ["href"], "img": ["src", "srcset"], "iframe": ["src"], "frame": ["src"],
    "source": ["src", "srcset"], "video": ["src", "poster"], "audio": ["src"], "track": ["src"],
    "embed": ["src"], "object": ["data"], "input": ["src"], "image": ["href", "xlink:href"],
}
CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.DOTALL)


def is_external(url: str) -> bool:
    """True for a URL that leaves the site: any scheme but data:, or a protocol-relative //host."""
    url = url.strip()
    parts = urlsplit(url)
    return bool(parts.netloc) or (bool(parts.scheme) and parts.scheme != "data")


def external_in_css(css: str) -> list[str]:
    """The external url(...) and @import targets of a stylesheet."""
    urls = [match.group(2) if match.group(2) is not None else match.group(4) for match in CSS_URL.finditer(css)]
    return [url for url in urls if is_external(url)]


def external_in_html(html: str) -> list[str]:
    """The external resources a page would load: tags, inline styles and <style> blocks."""
    return external_in(BeautifulSoup(html, "html.parser"))


def external_in(page: BeautifulSoup) -> list[str]:
    """The external resources a parsed page would load."""
    found = []
    for tag in page.find_all(list(LOADING)):
        for attribute in LOADING[tag.name]:
            value = tag.get(attribute) or ""
            candidates = [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in attribute else [value]
            found += [f"<{tag.name} {attribute}={url}>" for url in candidates if url and is_external(url)]
    for tag in page.find_all(style=True):
        found += [f"<{tag.name} style> {url}" for url in external_in_css(tag["style"])]
    for style in page.find_all("style"):
        found += [f"<style> {url}" for url in external_in_css(style.get_text())]
    return found


def test_no_page_loads_anything_from_outside(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3
    found = {page.name: urls for page in pages if (urls := external_in(parse(page)))}
    assert not found, found


def test_no_stylesheet_loads_anything_from_outside(site):
    sheets = sorted(site.rglob("*.css"))
    assert any(sheet.name == "furo.css" for sheet in sheets)
    found = {str(sheet.relative_to(site)): urls for sheet in sheets if (urls := external_in_css(sheet.read_text(encoding="utf-8")))}
    assert not found, found


def test_no_page_uses_mathjax(site):
    """Math is MathML made at build time; the MathJax script would come from a CDN."""
    for page in sorted(site.rglob("*.html")):
        scripts = parse(page).find_all("script")
        assert not [s for s in scripts if "mathjax" in (s.get("src", "") + s.get_text()).lower()], page.name


def test_the_checks_catch_external_resources():
    html = """<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>
    <img srcset="a.png 1x, http://x.example/b.png 2x"><a href="https://pytorch.org">ok</a>
    <div style="background: url('http://x.example/bg.png')"></div><img src="data:image/png;base64,AA==">"""
    assert external_in_html(html) == [
        "<link href=https://cdn.example/x.css>",
        "<script src=//cdn.example/x.js>",
        "<img srcset=http://x.example/b.png>",
        "<div style> http://x.example/bg.png",
    ]
    css = """@import "https://fonts.example/f.css"; a { background: url(_static/x.svg) }
    b { background: url("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>") }"""
    assert external_in_css(css) == ["https://fonts.example/f.css"]
