"""The kinds of test (unit, site, browser, slow), their order, and the run's commentary.

Every test must carry exactly one kind, so `pytest -m unit` and friends never miss or repeat a
test. The tests run slowest kind first (slow, browser, site, then unit), so under `make test`
(`pytest -n auto --dist loadgroup --no-loadscope-reorder`, which keeps that order) the
minutes-long tests start at once instead of keeping one core busy after the other has run out
of work.

Each kind announces itself when its first test starts, with how long it took last time on this
machine (pytest's cache), and says when its last test is done; while anything runs, a status
line at least every 30 s names the longest-running tests, so the terminal is never silent for long.

Under pytest-xdist the lines come from the controller, which sees only test ids: each worker
writes the kind and the xdist_group of every test it collected to a file the controller reads.
The same file lets `--dist loadgroup` run each group on one worker (`GroupScheduling`), which
xdist 3.8 itself no longer does under pytest 9: it marks a test's group by rewriting its id
through an attribute pytest 9 ignores.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TextIO

import pytest
from xdist.scheduler import LoadScopeScheduling

# The kinds in the order they run, with what each does (its marker's meaning).
KINDS = {
    "slow": "throwaway builds of the site and the wheel, minutes each",
    "browser": "every built page in Chromium",
    "site": "the pages in _build/html, the downloads run in Jupyter's way",
    "unit": "the package and the extensions on their own",
}
# Seconds without a line after which a status line is printed (tests/test_phases.py shortens it).
QUIET = float(os.environ.get("RNN_NOTES_STATUS_SECONDS", "30"))
CACHE_KEY = "rnn_notes/phase_seconds"
TESTS_FILE = "rnn_notes_tests"  # the workerinput key naming the file of collected tests


def kind(item: pytest.Item) -> str | None:
    """The test's kind (its one marker among KINDS), or None when it has none."""
    found = [name for name in KINDS if item.get_closest_marker(name)]
    return found[0] if len(found) == 1 else None


def group(item: pytest.Item) -> str | None:
    """The test's xdist_group: the tests that share one run on one worker under `--dist loadgroup`."""
    mark = item.get_closest_marker("xdist_group")
    return None if mark is None else str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))


def collected(items: list[pytest.Item]) -> dict[str, tuple[str | None, str | None]]:
    """Each test's id, with its kind and its group."""
    return {item.nodeid: (kind(item), group(item)) for item in items}


def terminal() -> TextIO | None:
    """A copy of stdout that pytest's capture of a running test does not redirect, or None.

    Taken at configure time, when pytest captures nothing (between loading conftest.py and the first test).
    """
    try:
        return open(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    except (AttributeError, OSError, ValueError):  # stdout is no file (pytest run inside a program)
        return None


def clock(seconds: float) -> str:
    """``75.2`` as ``1m15s``; under a minute, as ``42s``."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test without exactly one kind, then order the tests slowest kind first (the order of KINDS)."""
    wrong = [item.nodeid for item in items if kind(item) is None]
    if wrong:
        raise pytest.UsageError(f"tests without exactly one of the markers {sorted(KINDS)}: {wrong}")
    order = list(KINDS)
    items.sort(key=lambda item: order.index(kind(item)))


@pytest.hookimpl(tryfirst=True)  # before xdist tells the controller that collection is done
def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker, write every collected test's kind and group for the controller."""
    path = getattr(session.config, "workerinput", {}).get(TESTS_FILE)
    if path:
        partial = f"{path}.{session.config.workerinput['workerid']}"
        Path(partial).write_text(json.dumps(collected(session.items)), encoding="utf-8")
        os.replace(partial, path)


@pytest.hookimpl(trylast=True)  # after the terminal reporter is registered
def pytest_configure(config: pytest.Config) -> None:
    """Follow the run in the process that schedules and prints (not on an xdist worker)."""
    if not hasattr(config, "workerinput") and not config.option.collectonly:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        config.pluginmanager.register(Commentary(config, reporter), "rnn-notes-commentary")


class GroupScheduling(LoadScopeScheduling):
    """xdist's loadgroup: the tests of one xdist_group are one unit of work, sent to one worker."""

    def __init__(self, config: pytest.Config, log, commentary: "Commentary") -> None:
        super().__init__(config, log)
        self.commentary = commentary

    def _split_scope(self, nodeid: str) -> str:
        """A test's unit of work: its group, or the test alone."""
        _, name = self.commentary.test(nodeid)
        return f"xdist_group {name}" if name else nodeid


class Commentary:
    """Follows the tests as they start and end, and prints the phase and status lines."""

    def __init__(self, config: pytest.Config, reporter) -> None:
        self.config, self.reporter = config, reporter  # no reporter (-p no:terminal): no lines
        self.terminal = terminal()
        self.folder = Path(tempfile.mkdtemp(prefix="rnn-notes-tests-"))
        self.tests_file = self.folder / "tests.json"  # written by the xdist workers
        self.tests: dict[str, tuple[str | None, str | None]] = {}
        self.total: dict[str | None, int] = {}
        self.done: dict[str | None, int] = {}
        self.failed: dict[str | None, int] = {}
        self.started: dict[str | None, float] = {}
        self.running: dict[str, float] = {}
        self.last_time = self.begin = time.monotonic()
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, name="rnn-notes-commentary", daemon=True)
        self.cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
        self.previous = self.cache.get(CACHE_KEY, {}) if self.cache else {}

    # -- collection: in this process, or through the workers' file -------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        """Tell each xdist worker where to write the tests it collected."""
        node.workerinput[TESTS_FILE] = str(self.tests_file)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log) -> LoadScopeScheduling | None:
        """Under `--dist loadgroup`, group the tests by the groups the workers wrote."""
        return GroupScheduling(config, log, self) if config.getvalue("dist") == "loadgroup" else None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Without xdist, the tests are collected here."""
        self.count(collected(session.items))

    def test(self, nodeid: str) -> tuple[str | None, str | None]:
        """A test's kind and group; under xdist, from the workers' file once it is there."""
        with self.lock:
            if not self.tests and self.tests_file.is_file():
                self.count(json.loads(self.tests_file.read_text(encoding="utf-8")))
            return tuple(self.tests.get(nodeid, (None, None)))

    def count(self, tests: dict) -> None:
        """Take every test's kind and group, and count the tests of each kind."""
        self.tests = tests
        self.total = {}
        for name, _ in tests.values():
            self.total[name] = self.total.get(name, 0) + 1

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.thread.start()

    # -- tests starting and ending ------------------------------------------------------------

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        with self.lock:
            self.running[nodeid] = time.monotonic()
            name, _ = self.test(nodeid)
            if name not in self.started:
                self.started[name] = time.monotonic()
                self.line(self.opening(name))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name, _ = self.test(report.nodeid)
        with self.lock:
            if report.failed:
                self.failed[name] = self.failed.get(name, 0) + 1
            if report.when != "teardown":
                return
            self.running.pop(report.nodeid, None)
            self.done[name] = self.done.get(name, 0) + 1
            if self.done[name] == self.total.get(name):
                self.line(self.closing(name))

    def opening(self, name: str | None) -> str:
        """The line that announces a kind of test."""
        count = self.total.get(name, 0)
        if name is None:
            return f"{count} tests start"
        seconds, last_count = self.previous.get(name, (None, None))
        last = f"; {clock(seconds)} last time" if seconds is not None and last_count == count else ""
        return f"{name} tests start: {count} ({KINDS[name]}{last})"

    def closing(self, name: str | None) -> str:
        """The line that says a kind of test is done, and remembers how long it took."""
        seconds = time.monotonic() - self.started[name]
        if name is not None:
            self.previous[name] = (seconds, self.total[name])
        failed = self.failed.get(name, 0)
        outcome = f", {failed} failures" if failed else ""
        return f"{name or 'other'} tests done: {self.total[name]} in {clock(seconds)}{outcome}"

    # -- never silent for long ----------------------------------------------------------------

    def watch(self) -> None:
        """Print a status line whenever QUIET seconds pass without one, until the run ends."""
        while not self.stop.wait(1.0):
            with self.lock:
                if self.running and time.monotonic() - self.last_time >= QUIET:
                    self.line(self.status())

    def status(self) -> str:
        """How far each started kind has come, and the tests that have been running longest."""
        now = time.monotonic()
        kinds = [f"{name or 'other'} {self.done.get(name, 0)}/{self.total.get(name, '?')}"
                 for name in self.started if self.done.get(name, 0) != self.total.get(name)]
        longest = sorted(self.running.items(), key=lambda item: item[1])[:2]
        running = ", ".join(f"{nodeid} ({clock(now - start)})" for nodeid, start in longest)
        return f"still running: {', '.join(kinds)}; longest: {running}"

    def line(self, text: str) -> None:
        """Print one commentary line, with the time since the tests started.

        Written to the terminal itself (a copy of stdout taken before any test ran): without
        xdist, pytest captures stdout while a test runs, and a status line is for the person
        waiting on that very test.
        """
        self.last_time = time.monotonic()
        if self.reporter is None:
            return
        text = f"[tests {clock(self.last_time - self.begin)}] {text}"
        if self.terminal is None:
            self.reporter.ensure_newline()
            self.reporter.write_line(text)
            return
        self.reporter.flush()  # its dots first, then this line on a line of its own
        start = "\n" if self.reporter._tw.width_of_current_line else ""
        self.terminal.write(f"{start}{text}\n")
        self.terminal.flush()

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()
        if self.cache is not None:
            self.cache.set(CACHE_KEY, self.previous)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.terminal is not None:
            self.terminal.close()
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()
