"""What the site's extensions share about notebooks: which pages are notebooks, and copying and writing them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_parser.config.main import MdParserConfig


def is_notebook(source: Path) -> bool:
    """Whether myst-nb reads ``source`` as a notebook, decided by myst-nb's own reader."""
    text = source.read_text(encoding="utf8") if source.suffix == ".md" else None
    return create_nb_reader(str(source), MdParserConfig(), NbParserConfig(), text) is not None


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines too)."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def copy_notebook(notebook: dict) -> dict:
    """A deep copy of a notebook, to edit without touching the original."""
    return copy.deepcopy(notebook)


def write_notebook(notebook: dict, path: Path) -> None:
    """Write a notebook as readable JSON (indented, accents as they are)."""
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
