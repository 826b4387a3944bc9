"""The package's modules import each other without a cycle (imports inside functions count too)."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).parents[1] / "rnn_notes"


def module_name(path: Path, root: Path) -> str:
    """``rnn_notes.layer`` for rnn_notes/layer.py, ``rnn_notes.exercises`` for its __init__.py."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, at the top or inside a function."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:  # `from . import _checks` imports the module _checks
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    # A module's own packages are already being imported when it runs: no edge.
    return {other for other in found & modules if not name.startswith(other + ".") and other != name}


def find_cycle(root: Path) -> list[str] | None:
    """One import cycle among the modules under ``root`` (a package directory), or ``None``."""
    paths = {module_name(path, root): path for path in root.rglob("*.py")}
    graph = {name: imports(path, root, set(paths)) for name, path in paths.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> list[str] | None:
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return trail[trail.index(other):] + [other]
            if other not in state and (cycle := visit(other, trail + [other])):
                return cycle
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name, [name])):
            return cycle
    return None


def test_no_import_cycle_in_the_package():
    assert find_cycle(PACKAGE) is None, " -> ".join(find_cycle(PACKAGE))


def test_a_cycle_hidden_in_a_function_is_found(tmp_path):
    package = tmp_path / "rnn_notes"
    package.mkdir()
    (package / "__init__.py").write_text("from .layer import f\n")
    (package / "_checks.py").write_text("")
    (package / "layer.py").write_text("from . import _checks\n\ndef f():\n    from .packed import g\n")
    (package / "packed.py").write_text("from . import _checks\nfrom .layer import f\n\ndef g():\n    pass\n")
    assert find_cycle(package) == ["rnn_notes.layer", "rnn_notes.packed", "rnn_notes.layer"]
    (package / "layer.py").write_text("from . import _checks\nfrom .packed import g\n\ndef f():\n    pass\n")
    (package / "packed.py").write_text("from . import _checks\n\ndef g():\n    pass\n")
    assert find_cycle(package) is None
