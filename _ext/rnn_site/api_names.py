"""Every PyTorch name the prose writes in an inline code span exists in the installed torch.

A code span such as ``torch.nn.utils.rnn.pack_padded_sequence``, ``nn.LSTM(..., proj_size=2)`` or
``rnn(x, hx=h0)`` is parsed as a Python expression. Dotted names rooted at ``torch``, ``nn`` or
``F`` must resolve, and the keywords of a call must be parameters of what is called: a torch
function or class, or the ``forward`` of a layer named ``rnn``, ``lstm`` or ``gru``. A span
that is wrong on purpose (to show an error) is written with the role ``{incorrecto}`` instead.
Anything else in a code span (shapes, numbers, other libraries) is left alone.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from torch import nn
from torch.nn.utils import rnn as rnn_utils

from . import WARNING_TYPE

logger = logging.getLogger(__name__)
ROOTS = {"torch": torch, "nn": nn, "F": F}
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # how the pages name their layers
PACKING = set(rnn_utils.__all__)  # pack_padded_sequence & co., which the pages import by name


class Unknown(Exception):
    """A name or keyword that the installed torch does not have."""


def _dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; ``None`` for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def resolve(parts: list[str]) -> object:
    """The object a dotted name rooted at torch, nn or F names; ``Unknown`` if a part is missing.

    Past a class the check stops: instances carry attributes (``weight_ih_l0``) their class lacks.
    """
    value = ROOTS[parts[0]]
    for i, part in enumerate(parts[1:], 1):
        if isinstance(value, type):
            return value
        if not hasattr(value, part):
            raise Unknown(f"`{'.'.join(parts[:i])}` has no attribute `{part}`")
        value = getattr(value, part)
    return value


def _layer_keywords(kind: type[nn.RNNBase]) -> set[str]:
    """The keywords a recurrent layer's constructor takes (nn.RNN & co. hide them behind ``*args``)."""
    names = set(inspect.signature(nn.RNNBase.__init__).parameters) - {"self", "mode"}
    if kind is nn.RNN:
        names.add("nonlinearity")
    if kind is not nn.LSTM:
        names.discard("proj_size")
    return names


def keywords(target: object) -> set[str] | None:
    """The keyword names ``target`` accepts; ``None`` when it takes any (``**kwargs``) or has no signature."""
    if isinstance(target, type) and issubclass(target, nn.RNNBase) and target is not nn.RNNBase:
        return _layer_keywords(target)
    try:
        params = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {"self"}


def _callee(func: ast.expr) -> tuple[str, object] | None:
    """What a call calls, if the checker knows it: a torch name, or a layer's ``forward``."""
    parts = _dotted(func)
    if parts is None:
        return None
    if parts[0] in ROOTS:
        return ".".join(parts), resolve(parts)
    if len(parts) == 1 and parts[0] in LAYERS:
        return parts[0], LAYERS[parts[0]].forward
    if len(parts) == 1 and parts[0] in PACKING:  # imported by name: from torch.nn.utils.rnn import ...
        return parts[0], getattr(rnn_utils, parts[0])
    return None


def problems(code: str) -> Iterator[str]:
    """What is wrong with the PyTorch names in one code span (nothing when it is not Python)."""
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        return
    for node in ast.walk(tree):
        try:
            if isinstance(node, ast.Attribute) and (parts := _dotted(node)) and parts[0] in ROOTS:
                resolve(parts)
            elif isinstance(node, ast.Call) and (found := _callee(node.func)):
                name, target = found
                allowed = keywords(target)
                for keyword in node.keywords:
                    if allowed is not None and keyword.arg is not None and keyword.arg not in allowed:
                        raise Unknown(f"`{name}` takes no keyword `{keyword.arg}` "
                                      f"(it takes: {', '.join(sorted(allowed))})")
        except Unknown as error:
            yield str(error)


def _line(node: nodes.Node) -> int | None:
    """The source line of ``node`` or of its nearest ancestor that has one."""
    while node is not None and node.line is None:
        node = node.parent
    return None if node is None else node.line


def check_names(app: Sphinx, doctree: nodes.document) -> None:
    """Warn, at the page and line, for each inline code span naming what torch does not have."""
    for literal in doctree.findall(nodes.literal):
        if "incorrecto" in literal["classes"] or isinstance(literal.parent, nodes.literal_block):
            continue
        for problem in problems(literal.astext()):
            logger.warning(f"{problem} in torch {torch.__version__}: `{literal.astext()}`",
                           location=(app.env.docname, _line(literal)), type=WARNING_TYPE, subtype="api")


def incorrect_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{incorrecto}`rnn(x, h0=h0)``` : code shown on purpose as a mistake (not checked)."""
    return [nodes.literal(rawtext, text, classes=["incorrecto"])], []


def setup(app: Sphinx) -> dict:
    """Check the prose's code spans when each page is read; register ``{incorrecto}``."""
    app.add_role("incorrecto", incorrect_role)
    app.connect("doctree-read", check_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
