"""Where a cold ``tsmirror check`` spends its CPU, phase by phase.

Usage: python bench/phases.py   (in a folder whose pyproject.toml holds the config, with
TSMIRROR_NO_CACHE=1; run as a script, so it imports nothing of bench/)

Runs the steps a cold check runs (tsmirror.entry.checked with no verdict to reuse), in
their order, and prints one JSON object: the CPU milliseconds (user + system, from the
process's start) each phase took. Jinja is imported on its own line, before rendering
would import it, so its share is seen apart from tsmirror's.
"""

import time

clock = time.process_time
marks = [("interpreter start-up", clock())]

import tree_sitter  # noqa: E402, F401
import tree_sitter_typescript  # noqa: E402, F401

marks.append(("import tree-sitter", clock()))

from tsmirror.config import load_config  # noqa: E402
from tsmirror.drift import find_problems  # noqa: E402
from tsmirror.generate import build_package, render_package  # noqa: E402

marks.append(("import tsmirror", clock()))

import jinja2  # noqa: E402, F401

marks.append(("import jinja2", clock()))

import itertools  # noqa: E402
import json  # noqa: E402

config = load_config()
modules = build_package(config)
marks.append(("read config, parse, evaluate, prove", clock()))
files = render_package(modules, config.strict_objects)
marks.append(("render (mirrors, kernel, record)", clock()))
problems = find_problems(
    {config.output_dir / name: text for name, text in files.items()}, config.output_dir
)
marks.append(("compare with the output folder", clock()))
if problems:
    raise SystemExit(f"not in sync: {[str(p.path) for p in problems]}")

spent = {marks[0][0]: marks[0][1]} | {
    name: end - start for (_, start), (name, end) in itertools.pairwise(marks)
}
print(json.dumps({name: round(seconds * 1e3, 2) for name, seconds in spent.items()}))
