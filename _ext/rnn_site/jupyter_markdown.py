"""MyST Markdown cells rewritten for plain Jupyter, from the parse myst-parser itself makes.

The cell is parsed with myst-parser's markdown-it set-up (its MyST role and target plugins),
and only three kinds of token are rewritten, in place in the source text: ``(label)=``
targets become HTML anchors, ``{ref}``/``{doc}``/``{glue}`` roles become their text, and
links to a label become a local anchor or their text. Everything else, code spans and
fenced blocks included, is left byte for byte.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline, link
from markdown_it.token import Token
from mdit_py_plugins.myst_role.index import myst_role
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx.errors import ExtensionError

EXPLICIT_TITLE = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)  # {ref}`title <label>`
LABEL_HREF = re.compile(r"#?([A-Za-z0-9_-]+)")  # [text](label) or [text](#label)
XREF_ROLES = {"ref", "doc"}
GLUE_ROLES = {"glue", "glue:text"}
Warn = Callable[[str, int], None]  # (message, line of the cell, from 0)


def markdown_parser(config: MdParserConfig | None = None) -> MarkdownIt:
    """myst-parser's markdown-it parser for ``config``, recording where roles and links start and end."""
    md = create_md_parser(config or MdParserConfig(), RendererHTML)
    md.inline.ruler.at("myst_role", _recording(myst_role))
    md.inline.ruler.at("link", _recording(link))
    return md


def _recording(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """``rule``, storing in its token's meta the span it matched in the inline source (and a link's label end)."""

    def recorded(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            end = state.pos
            token = next(t for t in state.tokens[count:] if t.type in ("myst_role", "link_open"))
            token.meta = {**(token.meta or {}), "span": (start, end)}
            if token.type == "link_open":
                token.meta["label_end"] = state.md.helpers.parseLinkLabel(state, start, True)
                state.pos = end
        return matched

    return recorded


def glued_text(values: dict[str, str], name: str, spec: str | None) -> str:
    """A glued value as the site shows it, formatted with ``spec`` as {glue:text} does."""
    if name not in values:
        raise ExtensionError(f"glue key {name!r}: no cell glued a value under that name")
    try:
        value = ast.literal_eval(values[name])  # as myst-nb does: a glued str loses its quotes
    except (ValueError, SyntaxError):
        if not spec:
            return values[name]
        raise ExtensionError(
            f"glue key {name!r}: {{glue:text}} with format {spec!r} needs a value Python can read back "
            f"(a number or string), but the glued value is {values[name]!r}; glue a float(...) or str(...)"
        ) from None
    return format(value, spec) if spec else str(value)


def _inline_offsets(lines: list[str], line_starts: list[int], token: Token, cursors: dict[int, int]) -> list[int]:
    """The offset in the cell of each character of an inline token's content (its lines are cut from the cell's)."""
    offsets = []
    for k, piece in enumerate(token.content.split("\n")):
        row = token.map[0] + k
        col = lines[row].find(piece, cursors.get(row, 0))
        if col < 0:
            raise ExtensionError(f"cannot find {piece!r} in line {row + 1} of a Markdown cell")
        cursors[row] = col + len(piece)
        offsets += [line_starts[row] + col + i for i in range(len(piece))] + [line_starts[row] + col + len(piece)]
    return offsets


def _edits(
    source: str, md: MarkdownIt, titles: dict[str, str], local: set[str], glued: dict[str, str], warn: Warn
) -> Iterator[tuple[int, int, str]]:
    """(start, end, replacement) for each target, role and label link of the cell, in source order."""
    lines = source.split("\n")
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line) + 1)
    cursors: dict[int, int] = {}
    for block in md.parse(source):
        if block.type == "myst_target":
            row = block.map[0]
            col = lines[row].find(f"({block.content})=")
            yield line_starts[row] + col, line_starts[row] + len(lines[row]), f'<a id="{block.content}"></a>'
        if block.type != "inline" or not block.children or block.map is None:
            continue
        offsets = _inline_offsets(lines, line_starts, block, cursors)
        within = -1  # end of the last rewritten link: tokens inside it were rewritten with it
        for token in block.children:
            span = (token.meta or {}).get("span")
            if span is None or span[0] < within:
                continue
            start, end = offsets[span[0]], offsets[span[1] - 1] + 1
            text = _rewrite(token, source[start:end], titles, local, glued, lambda m: warn(m, block.map[0]))
            if text is not None:
                within = span[1]
                yield start, end, text


def _rewrite(
    token: Token, original: str, titles: dict[str, str], local: set[str], glued: dict[str, str],
    warn: Callable[[str], None],
) -> str | None:
    """What replaces one role or link in plain Jupyter, or None to keep it."""
    if token.type == "myst_role" and token.meta["name"] in XREF_ROLES:
        explicit = EXPLICIT_TITLE.match(token.content)
        if explicit:
            return explicit[1]
        if token.content.lower() not in titles:
            warn(f"{{{token.meta['name']}}}`{token.content}` in a downloaded notebook: no section or page "
                 "has that label, so the notebook shows the bare label")
            return token.content
        return titles[token.content.lower()]
    if token.type == "myst_role" and token.meta["name"] in GLUE_ROLES:
        name, _, spec = token.content.partition(":")
        return glued_text(glued, name.strip(), spec.strip() or None)
    if token.type == "link_open":
        label = LABEL_HREF.fullmatch(token.attrGet("href") or "")
        if label is None:
            return None
        text = original[1 : token.meta["label_end"] - token.meta["span"][0]]
        target = label[1].lower()
        if target in local:
            return f"[{text}](#{target})"  # the anchor exists in this notebook too
        return text if target in titles else None
    return None


def plain_markdown(
    text: str, titles: dict[str, str], local: set[str], glued: dict[str, str] | None = None,
    warn: Warn | None = None, md: MarkdownIt | None = None,
) -> str:
    """Rewrite the MyST-only markup of a Markdown cell into Markdown that Jupyter renders.

    ``titles`` maps labels to section titles, ``local`` holds the labels of this notebook;
    ``warn`` gets each reference that cannot be resolved (by default, a ValueError).
    """

    def fail(message: str, line: int) -> None:
        raise ValueError(message)

    edits = list(_edits(text, md or markdown_parser(), titles, local, glued or {}, warn or fail))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
