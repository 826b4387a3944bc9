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


def test_every_installed_package_is_the_locked_version():
    assert sys.prefix != sys.base_prefix, "run the tests with .venv/bin/python (`make test`)"
    locked = pins()
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name == "rnn-notes":
            continue  # the package itself, installed from the tree
        assert name in locked, f"{name} {dist.version} is installed but not in the lock"
        installed = Version(dist.version)
        assert Version(installed.public) == locked[name], f"{name}: installed {installed}, locked {locked[name]}"
