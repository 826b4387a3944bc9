"""`make`'s install of the lock into .venv/: pip with its progress shown, never silent, clear when offline.

Run with the venv's Python: `.venv/bin/python tools/install_lock.py [pip install arguments]`. It says up
front that the set-up needs the package index once (torch is the large download), runs
`pip install` with its progress bars, prints a line whenever pip has been quiet for 30 s
(unpacking torch says nothing for a while), and when pip fails because the index cannot be
reached says so, and that later builds work offline. Standard library only: it runs before
anything is installed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

QUIET = 30.0  # seconds without news from pip after which a line says it is still at work
# What pip's log says when it could not get a package from the index (offline, a wrong index URL).
OFFLINE = ("No matching distribution found", "Failed to establish a new connection",
           "Temporary failure in name resolution", "Network is unreachable", "Connection refused")
PIP = (sys.executable, "-m", "pip")
NOTE = ("Installing the locked packages (requirements.txt) into .venv/. The first set-up needs the "
        "package index once; torch is the large download (pip shows its progress). Later builds work offline.")


def diagnosis(log: str, log_path: Path) -> str:
    """What to tell the user after pip failed, from pip's log."""
    lines = [line.strip() for line in log.splitlines()]
    offline = [line for mark in OFFLINE for line in lines if mark in line]  # the most telling first
    if offline:
        seen = offline[0].split(" ", 1)[-1]  # the log's lines start with a timestamp
        return ("error: pip could not get the packages from the package index "
                f"({seen}).\nThe first set-up needs the package index once: connect to the network "
                "(or point pip at a mirror with PIP_INDEX_URL) and run make again. Once .venv/ is set up, "
                f"builds work offline. pip's full log: {log_path}")
    return f"error: pip could not install the lock; its full log is {log_path}"


def install(pip_args: list[str], log_path: Path, quiet: float = QUIET, pip: tuple[str, ...] = PIP) -> int:
    """Run ``pip install`` with these arguments, keeping the user informed; return pip's exit code."""
    print(NOTE, flush=True)
    log_path.unlink(missing_ok=True)
    command = [*pip, "install", "--disable-pip-version-check", "--progress-bar", "on", "--log", str(log_path), *pip_args]
    start = last_news = time.monotonic()
    size = 0
    with subprocess.Popen(command) as pip:
        while pip.poll() is None:
            time.sleep(0.5)
            grown = log_path.stat().st_size if log_path.exists() else 0
            now = time.monotonic()
            if grown != size:
                size, last_news = grown, now
            elif now - last_news >= quiet:
                minutes, seconds = divmod(round(now - start), 60)
                print(f"... pip is still at work ({minutes}m{seconds:02d}s so far)", flush=True)
                last_news = now
    if pip.returncode != 0:
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        print(diagnosis(log, log_path), file=sys.stderr, flush=True)
    return pip.returncode


if __name__ == "__main__":
    sys.exit(install(sys.argv[1:], Path(sys.prefix) / "pip-install.log"))
