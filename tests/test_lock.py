"""The lock (requirements.txt): it pins everything .venv/ holds, and satisfies every declared requirement."""

import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def pins() -> dict[str, Version]:
    """Every ``name==version`` line of the lock, by canonical name."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return {canonicalize_name(name): Version(version) for name, version in PIN.findall(text)}


def declared() -> list[tuple[str, Requirement]]:
    """(source, requirement) for the package's dependencies and each line of requirements/*.in."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [("pyproject.toml", Requirement(r)) for r in project["dependencies"]]
    for path in sorted((ROOT / "requirements").glob("*.in")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                found.append((path.name, Requirement(line)))
    return found


def test_every_declared_requirement_is_locked_at_a_version_it_allows():
    locked = pins()
    for source, requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} ({source}) is not in the lock: run `make lock`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"the lock pins {name}=={locked[name]}, which {requirement} ({source}) refuses: run `make lock`"
        )


def test_the_lock_pins_the_tested_torch_and_no_cuda_package():
    locked = pins()
    assert locked["torch"] == Version("2.13.0")  # matches the CPU build 2.13.0+cpu too
    assert not [name for name in locked if name.startswith("nvidia-") or "cuda" in name]


def torch_build_extras(locked: dict[str, Version]) -> set[str]:
    """Packages the installed torch build needs that the lock's CPU build does not (CUDA's nvidia-*, ...)."""
    extras, todo = set(), ["torch"]
    while todo:
        for line in importlib.metadata.requires(todo.pop()) or []:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            if (requirement.marker is None or requirement.marker.evaluate({"extra": ""})) and name not in locked and name not in extras:
                extras.add(name)
                todo.append(name)
    return extras


def test_every_installed_package_is_the_locked_version():
    assert sys.prefix != sys.base_prefix, "run the tests with .venv/bin/python (`make test`)"
    locked = pins()
    allowed = torch_build_extras(locked)  # empty with the CPU torch the lock was made with
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name == "rnn-notes" or name in allowed:
            continue  # the package itself, or part of a non-CPU torch build
        assert name in locked, (
            f"{name} {dist.version} is installed but not in the lock: `.venv/bin/pip uninstall {name}`, "
            "or add it to requirements/*.in and run `make lock`"
        )
        installed = Version(dist.version)
        assert Version(installed.public) == locked[name], f"{name}: installed {installed}, locked {locked[name]}"
