"""Compare two built sites page by page: `python tools/compare_html.py OLD NEW`.

Every ``.html`` file under OLD and NEW (``_build/html`` of two builds) is parsed with
BeautifulSoup and printed back in one normal form, with asset hashes taken out of its URLs
(``furo.css?v=7bdb33bb``, ``mystnb.<64 hex digits>.css``): a refactor that changes a stylesheet
or a script changes those hashes and nothing a reader sees. Pages that differ are shown as a
unified diff of that normal form; a page on one side only is named. Inside inline SVG
(the figures), what only serialisation changes is also taken out: the order of attributes,
whitespace inside attribute values (an XML parser reads a newline there as a space), and the
per-figure id prefix (ids are renumbered in order of appearance, with every reference to them). Exits 1 when anything
differs, 0 when every page is the same. Test and refactoring tooling, not part of the site.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup

# Attributes that hold one URL, and those that hold several (srcset: "url 2x, url 3x").
URL_ATTRIBUTES = ("href", "src", "data", "poster", "action", "xlink:href")
# Query parameters Sphinx and furo add to bust caches: ?v=<hash>, ?digest=<hash>.
HASH_QUERY = frozenset({"v", "digest"})
# A hash inside a file name, as in mystnb.<sha256>.css: a run of 8+ hex digits between dots or dashes.
HASH_IN_NAME = re.compile(r"(?<=[.-])[0-9a-f]{8,}(?=[.-])")


def normal_url(url: str) -> str:
    """``url`` without its cache-busting hash: the query's ?v=/?digest= and hex runs in the file name."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return url  # an external link: compared as written
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in HASH_QUERY])
    path = "/".join(HASH_IN_NAME.sub("<hash>", segment) for segment in parts.path.split("/"))
    return urlunsplit(("", "", path, query, parts.fragment))


def normal_svg(svg) -> None:
    """Take serialisation out of one inline ``<svg>``: attribute order, whitespace in values, id names."""
    tags = [svg, *svg.find_all(True)]
    names = {tag["id"]: f"svg-id-{n}" for n, tag in enumerate(t for t in tags if t.get("id"))}
    for tag in tags:
        attrs = {}
        for key, value in sorted(tag.attrs.items()):
            if isinstance(value, str):
                value = " ".join(value.split())
                for old in sorted(names, key=len, reverse=True):
                    if old in value:
                        value = value.replace(f"#{old}", f"#{names[old]}")
                value = names.get(value, value) if key == "id" else value
            attrs[key] = value
        tag.attrs = attrs


def normal_form(html: str) -> list[str]:
    """The page parsed and printed back one tag or text per line, asset hashes and SVG serialisation taken out."""
    soup = BeautifulSoup(html, "html.parser")
    for svg in soup.find_all("svg"):
        normal_svg(svg)
    for tag in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            if isinstance(tag.get(name), str):
                tag[name] = normal_url(tag[name])
        if tag.get("srcset"):
            tag["srcset"] = ", ".join(
                " ".join([normal_url(words[0]), *words[1:]])
                for words in (candidate.split() for candidate in tag["srcset"].split(",")) if words
            )
    return soup.prettify().splitlines()


def pages(site: Path) -> set[str]:
    """Every .html file of a built site, as a path relative to it."""
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def compare(old: Path, new: Path) -> list[str]:
    """Every difference between the two sites, as printable lines (none when they are the same)."""
    old_pages, new_pages = pages(old), pages(new)
    report = [f"only in {old}: {name}" for name in sorted(old_pages - new_pages)]
    report += [f"only in {new}: {name}" for name in sorted(new_pages - old_pages)]
    for name in sorted(old_pages & new_pages):
        before = normal_form((old / name).read_text(encoding="utf-8"))
        after = normal_form((new / name).read_text(encoding="utf-8"))
        report += difflib.unified_diff(before, after, str(old / name), str(new / name), lineterm="")
    return report


def main(argv: list[str] | None = None) -> int:
    """Print the differences between two built sites; 1 if there are any, 0 if not, 2 on bad arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the built site before (a _build/html folder)")
    parser.add_argument("new", type=Path, help="the built site after")
    args = parser.parse_args(argv)
    for site in (args.old, args.new):
        if not site.is_dir():
            parser.error(f"{site} is not a folder")
    report = compare(args.old, args.new)
    print("\n".join(report) if report else f"{len(pages(args.old))} pages, no difference")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
