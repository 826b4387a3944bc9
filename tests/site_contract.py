"""The site's links: every internal link resolves, and the published-links contract holds.

The contract: each link of tests/published_links.txt reaches a labelled section, and each section
is listed. One checker (`resolve`) follows both kinds of link, through redirect pages.
Run `python tests/site_contract.py` after `make html` to see what differs and the lines to add.
"""

import functools
import re
import sys
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CONTRACT = ROOT / "tests" / "published_links.txt"
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
INVENTORY_LINE = re.compile(r"(.+?)\s+(\S+)\s+(-?\d+)\s+(\S*)\s+(.*)")
DOCS = ROOT / "docs"
MAX_REDIRECTS = 5


def site_pages() -> list[Path]:
    """Every HTML page of the built site (the top level; _static and _sources hold none)."""
    return sorted(SITE.glob("*.html"))


def read_inventory(site: Path) -> dict[str, dict[str, str]]:
    """Return objects.inv as {"std:doc": {name: uri}, "std:label": {...}, ...}."""
    with open(site / "objects.inv", "rb") as f:
        for _ in range(4):  # the four header lines
            f.readline()
        body = zlib.decompress(f.read()).decode("utf-8")
    entries: dict[str, dict[str, str]] = {}
    for line in body.splitlines():
        match = INVENTORY_LINE.fullmatch(line)
        if match:
            name, kind, _, uri, _ = match.groups()
            entries.setdefault(kind, {})[name] = uri.replace("$", name) if uri.endswith("$") else uri
    return entries


def parse(page: Path) -> BeautifulSoup | None:
    """Parse one HTML file of the site, or return None when it does not exist.

    The tree is shared by every caller in the process (cached): read it, or ``copy.copy`` it before changing it.
    """
    if not page.is_file():
        return None
    stat = page.stat()
    return _parse(page, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse(page: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    """Parse a page once per version of the file (the checks read each page many times)."""
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def anchors(page: Path) -> frozenset[str]:
    """The fragment targets of a page, every id and every <a name> (none when the page does not exist)."""
    if not page.is_file():
        return frozenset()
    stat = page.stat()
    return _anchors(page, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _anchors(page: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """The anchors of one version of a page (the link check asks for them once per link)."""
    soup = _parse(page, mtime_ns, size)
    names = soup.find_all("a", attrs={"name": True})
    return frozenset(tag["id"] for tag in soup.find_all(id=True)) | {tag["name"] for tag in names}


def redirect_target(soup: BeautifulSoup) -> str | None:
    """Return the URL a redirect page (meta refresh) sends the browser to, if it is one."""
    meta = soup.find("meta", attrs={"http-equiv": "refresh"})
    if meta is None:
        return None
    match = re.search(r"url=(\S+)", meta.get("content", ""), flags=re.IGNORECASE)
    return match[1] if match else None


def resolve(site: Path, link: str) -> tuple[str | None, str]:
    """Follow a `page.html#anchor` link through redirect pages; return (final link or None, why)."""
    page, _, anchor = link.partition("#")
    for _ in range(MAX_REDIRECTS + 1):
        soup = parse(site / page)
        if soup is None:
            return None, f"page {page} does not exist"
        target = redirect_target(soup)
        if target is None:
            if anchor not in anchors(site / page):
                return None, f"{page} has no id or <a name> {anchor!r}"
            return f"{page}#{anchor}", ""
        if "://" in target or target.startswith("/"):
            return None, f"{page} redirects off the site, to {target}"
        page = (Path(page).parent / target.partition("#")[0]).as_posix()
    return None, f"more than {MAX_REDIRECTS} redirects"


def internal_references(page: Path) -> list[tuple[str, str]]:
    """(tag, reference) for every href/src of the page that points inside the site."""
    references = []
    for tag in parse(page).find_all(lambda tag: tag.has_attr("href") or tag.has_attr("src")):
        for attribute in ("href", "src"):
            url = urlsplit(tag.get(attribute, ""))
            if tag.has_attr(attribute) and not url.scheme and not url.netloc:
                references.append((tag.name, tag[attribute]))
    return references


def broken_references(page: Path) -> list[str]:
    """The page's internal references whose file does not exist, or whose #anchor does not resolve."""
    broken = []
    for tag, reference in internal_references(page):
        url = urlsplit(reference)
        target = (page.parent / unquote(url.path)).resolve() if url.path else page
        if not target.is_file():
            broken.append(f"<{tag}> {reference}: no file {target}")
        elif url.fragment and target.suffix == ".html":
            final, why = resolve(target.parent, f"{target.name}#{unquote(url.fragment)}")
            if final is None:
                broken.append(f"<{tag}> {reference}: {why}")
    return broken


def sections(site: Path) -> list[str]:
    """Return `page.html#id` for every <section> of every page built from a document."""
    found = []
    for uri in read_inventory(site).get("std:doc", {}).values():
        soup = parse(site / uri)
        found += [f"{uri}#{s['id']}" for s in soup.find_all("section", id=True)] if soup else []
    return found


def missing_headerlinks(site: Path) -> list[str]:
    """Return the sections whose heading offers no link to the section itself."""
    bad = []
    for link in sections(site):
        page, _, anchor = link.partition("#")
        section = parse(site / page).find("section", id=anchor)
        heading = section.find(re.compile(r"h[1-6]"), recursive=False)
        if heading is None or heading.find("a", class_="headerlink", href=f"#{anchor}") is None:
            bad.append(link)
    return bad


def check_site(site: Path, links: list[str]) -> list[str]:
    """Return every way the built site breaks the contract (an empty list when it holds)."""
    problems = []
    labels = read_inventory(site).get("std:label", {})
    for link in links:
        anchor = link.partition("#")[2]
        if not KEBAB.fullmatch(anchor):
            problems.append(f"{link}: the anchor is not ASCII kebab-case")
            continue
        final, why = resolve(site, link)
        if final is None:
            problems.append(f"{link}: does not resolve ({why})")
        elif labels.get(anchor) != final:
            problems.append(f"{link}: no hand-written label `({anchor})=` leads to {final}")
    listed = set(links)
    problems += [f"{link}: section not in the contract" for link in sections(site) if link not in listed]
    problems += [f"{link}: heading without a headerlink" for link in missing_headerlinks(site)]
    return problems


def main() -> int:
    """Print how the built site differs from the contract, and the lines it lacks."""
    from rnn_site.published_links import read_contract  # the parser the site itself uses

    links = read_contract(CONTRACT)
    problems = check_site(SITE, links)
    print("\n".join(problems) or "The site keeps every published link.")
    missing = [link for link in sections(SITE) if link not in set(links)]
    if missing:
        print(f"\nLines to add to {CONTRACT.relative_to(ROOT)} (after checking the labels):")
        print("\n".join(missing))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.append(str(ROOT / "_ext"))  # run as a script, outside pytest's pythonpath setting
    sys.exit(main())
