"""Build, test-suite and manual_rnn speed on this machine (`make bench`): figures and targets, not a test.

Every build runs in a throwaway copy of the project, so the real _build/ and notebook cache
are never touched; so does the test suite, once, after its copy's site is built. Each other
figure is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import pdf_book  # tools/, on PYTHONPATH (`make bench`)
import torch
from site_copy import ROOT, Build, build, copy_project, notebook_pages  # tools/, on PYTHONPATH (`make bench`)
from torch import nn

from rnn_notes import figures, manual_rnn, seed_rnn, seed_sequence

# How `make test` runs pytest (the Makefile's PYTEST_CORES), and the suite's target on 2 cores.
PYTEST_CORES = ["-n", "auto", "--dist", "loadgroup", "--no-loadscope-reorder"]
SUITE_TARGET = 360.0
# The real-series chapter trains nine networks while it runs; issue 24 gives it 40 s.
SERIES_PAGE, SERIES_TARGET = "serie-real", 40.0


def checked(result: Build) -> Build:
    """``result``, or exit with its log if the build failed."""
    if result.returncode != 0:
        sys.exit(f"benchmark build failed:\n{result.log}")
    return result


def edit_code(page: Path, n: int) -> None:
    """Change the first code cell of ``page``, so its notebook must run again."""
    fence = "```{code-cell} python\n"
    text = page.read_text()
    page.write_text(text.replace(fence, f"{fence}# bench edit {n}\n", 1))


def edit_prose(page: Path, n: int) -> None:
    """Add a paragraph to ``page`` and leave its code alone."""
    page.write_text(page.read_text() + f"\nPárrafo de prueba {n}.\n")


def site_figures(source: Path, runs: int) -> dict[str, float]:
    """Cold, no-op and one-page rebuild times (and notebook executions) of ``source``'s site."""
    cold, summed, noop, noop_runs, code, code_runs, prose, prose_runs, series = ([] for _ in range(9))
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            project = copy_project(Path(tmp) / f"cold-{i}", source)
            first = checked(build(project))
            cold.append(first.seconds)
            summed.append(sum(first.execution_times))
            series.append(first.page_times.get(SERIES_PAGE, float("nan")))
        page = notebook_pages(project)[0]
        for i in range(runs):
            again = checked(build(project))
            noop.append(again.seconds)
            noop_runs.append(len(again.execution_times))
        for i in range(runs):
            edit_code(page, i)
            edited = checked(build(project))
            code.append(edited.seconds)
            code_runs.append(len(edited.execution_times))
        for i in range(runs):
            edit_prose(page, i)
            edited = checked(build(project))
            prose.append(edited.seconds)
            prose_runs.append(len(edited.execution_times))
        pages = len(notebook_pages(project))
    med = statistics.median
    return {"pages": pages, "cold": med(cold), "summed": med(summed), "noop": med(noop),
            "noop_runs": max(noop_runs), "code": med(code), "code_runs": max(code_runs),
            "prose": med(prose), "prose_runs": max(prose_runs), "edited": page.name,
            "series": med(series)}


def rnn_figures(runs: int) -> tuple[float, float]:
    """Seconds per call of manual_rnn and nn.RNN: batch 32, 200 steps, 64 -> 128, 2 layers, 1 thread."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rnn = nn.RNN(64, 128, num_layers=2, batch_first=True).eval()
    x = torch.randn(32, 200, 64)
    with torch.no_grad():
        torch.testing.assert_close(manual_rnn(rnn, x)[0], rnn(x)[0])  # like is timed against like
        times = []
        for fn in (lambda: manual_rnn(rnn, x), lambda: rnn(x)):
            number = 5
            times.append(statistics.median(timeit.repeat(fn, number=number, repeat=max(runs, 5))) / number)
    return times[0], times[1]


def figure_costs(runs: int) -> tuple[float, dict[str, float]]:
    """Seconds to import matplotlib (once per page that draws) and to draw each of the pages' figures."""
    import subprocess

    code = "import time; t = time.perf_counter(); import matplotlib.figure; print(time.perf_counter() - t)"
    imports = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
               for _ in range(max(runs, 3))]
    rnn, x = seed_rnn(), seed_sequence()
    torch.manual_seed(2)
    long_x = torch.randn(1, 80, 5)
    drawings = {  # the calls the pages make
        "unrolled_network": lambda: figures.unrolled_network(rnn, x.reshape(1, 3, 5), show_values=True),
        "step_shapes column": lambda: figures.step_shapes(rnn, "column"),
        "step_shapes row": lambda: figures.step_shapes(rnn, "row"),
        "parameter_shapes": lambda: figures.parameter_shapes(rnn),
        "tanh_saturation": lambda: figures.tanh_saturation(rnn, x),
        "chunked_states": lambda: figures.chunked_states(rnn, long_x, 25),
    }
    drawings["unrolled_network"]()  # the first figure also loads the fonts: count it in no figure
    return statistics.median(imports), {
        name: statistics.median(timeit.repeat(draw, number=1, repeat=max(runs, 5))) for name, draw in drawings.items()
    }


def suite_figures(source: Path) -> tuple[float, str]:
    """Wall seconds of the whole test suite, run as `make test` runs it, and pytest's last line."""
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "suite", source, with_cache=True)
        checked(build(project))  # the site the tests read; from the copied cache, so no notebook runs
        env = dict(os.environ, PYTHONPATH=str(project))  # the copy's rnn_notes, not the installed one
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_CORES], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the test suite failed in the benchmark copy:\n{done.stdout}")
    return seconds, done.stdout.strip().splitlines()[-1].strip("= ")


def pdf_seconds(source: Path) -> float:
    """Seconds `make pdf` takes to print the student edition of a copy's site (built from the copied cache)."""
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "pdf", source, with_cache=True)
        checked(build(project))
        start = time.perf_counter()
        pdf_book.build(project / "_build" / "html", Path(tmp) / "pdf-out", "a4", solutions=False)
        return time.perf_counter() - start


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def main() -> None:
    """Measure and print every figure with its target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is printed)")
    parser.add_argument("--source", type=Path, default=ROOT, help="project to benchmark (default: this one)")
    parser.add_argument("--no-suite", action="store_true", help="skip timing the test suite (about 6 minutes)")
    args = parser.parse_args()

    manual, layer = rnn_figures(args.runs)
    import_seconds, drawing = figure_costs(args.runs)
    site = site_figures(args.source.resolve(), args.runs)
    suite = None if args.no_suite else suite_figures(args.source.resolve())
    pdf = pdf_seconds(args.source.resolve())
    cold_ratio = site["cold"] / site["summed"] if site["summed"] else float("inf")
    noop_ratio = site["noop"] / site["cold"]
    rnn_ratio = manual / layer
    print(f"\nrnn_notes benchmark: {os.cpu_count()} CPUs, {site['pages']} notebook pages, median of {args.runs} runs")
    print(f"  cold build (empty cache)          {site['cold']:7.1f} s")
    print(f"  summed notebook execution         {site['summed']:7.1f} s")
    print(f"  cold / summed execution           {cold_ratio:7.2f}    target <= 0.75          {verdict(cold_ratio <= 0.75)}")
    print(f"  no-op rebuild                     {site['noop']:7.1f} s  ({site['noop_runs']} notebooks executed)")
    print(f"  no-op / cold                      {noop_ratio:7.2f}    target <= 0.15, 0 runs  "
          f"{verdict(noop_ratio <= 0.15 and site['noop_runs'] == 0)}")
    print(f"  rebuild after a code edit         {site['code']:7.1f} s  ({site['code_runs']} executed; {site['edited']})")
    print(f"  {SERIES_PAGE} execution (cold build)  {site['series']:7.1f} s  target <= {SERIES_TARGET:.0f} s           "
          f"{verdict(site['series'] <= SERIES_TARGET)}")
    print(f"  rebuild after a prose edit        {site['prose']:7.1f} s  ({site['prose_runs']} executed; {site['edited']})")
    print(f"  make pdf (student edition, A4)    {pdf:7.1f} s  target <= cold build     {verdict(pdf <= site['cold'])}")
    if suite is not None:
        seconds, summary = suite
        print(f"  test suite, as make test runs it  {seconds:7.1f} s  target <= {SUITE_TARGET:.0f} s         "
              f"{verdict(seconds <= SUITE_TARGET)}  (run once: {summary})")
    print(f"  manual_rnn (32x200, 64->128, 2 layers, 1 thread)  {manual * 1e3:7.1f} ms")
    print(f"  nn.RNN     (same input)                           {layer * 1e3:7.1f} ms")
    print(f"  manual_rnn / nn.RNN               {rnn_ratio:7.2f}    target <= 1.5           {verdict(rnn_ratio <= 1.5)}")
    print(f"  figures: import matplotlib (once per page that draws)  {import_seconds * 1e3:7.1f} ms")
    for name, seconds in drawing.items():
        print(f"  figures: {name:<22}                        {seconds * 1e3:7.1f} ms")
    total = import_seconds * len(drawing) + sum(drawing.values())  # one figure per page
    print(f"  figures: added to the summed notebook execution      {total:7.2f} s")


if __name__ == "__main__":
    main()
