"""The docs' tables that state what the code states, written from it: each notebook's parameters
(from its parameters cell) and Q1's variations (from their configs and evidence modules).

    python docs/tables.py            rewrite the tables in the docs
    python docs/tables.py --check    exit 1, naming the page, if a table is out of date

A table sits between ``<!-- table: NAME -->`` and ``<!-- end table -->`` in a page of docs/.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import papermill

from aekit import variations
from aekit.variations.evidence import BUDGET

DOCS = Path(__file__).resolve().parent
NOTEBOOKS = DOCS.parent / "notebooks"
_TABLE = re.compile(r"(<!-- table: ([^>]+?) -->\n)(.*?)(<!-- end table -->)", re.S)


def parameters(notebook: str) -> str:
    """A notebook's parameters: name, default and meaning, as its parameters cell declares them."""
    rows = ["| parameter | default | meaning |", "|---|---|---|"]
    for name, declared in papermill.inspect_notebook(NOTEBOOKS / f"{notebook}.ipynb").items():
        rows.append(f"| `{name}` | `{declared['default']}` | {_cell(declared['help'])} |")
    return "\n".join(rows)


def q1_variations() -> str:
    """Q1's variations: paper, what is measured, and the defaults the notebook fills in."""
    rows = ["| `variation` | paper | advantage, measured | disadvantage, measured | defaults (range) |",
            "|---|---|---|---|---|"]
    for name in variations.names():
        variation = variations.get(name)
        settings = [f"`{key}` = {default!r} ({spec.check.describe()})"
                    for key, (default, spec) in variation.settings().items()]
        budget = [f"`{key}` = {value!r}" for key, value in {**BUDGET, **variation.budget}.items()]
        rows.append(f"| `{name}`{' (default)' if name == variations.DEFAULT else ''} | "
                    f"{_cell(variation.paper.short())} | {_cell(variation.advantage)} | "
                    f"{_cell(variation.disadvantage)} | {'; '.join(settings + budget)} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


TABLES = {"q1_variations": q1_variations,
          **{f"parameters {path.stem}": (lambda stem=path.stem: parameters(stem))
             for path in sorted(NOTEBOOKS.glob("*.ipynb"))}}


def rewrite(text: str) -> str:
    def table(match):
        name = match.group(2)
        if name not in TABLES:
            raise SystemExit(f"unknown table {name!r}: known are {', '.join(TABLES)}")
        return f"{match.group(1)}{TABLES[name]()}\n{match.group(4)}"
    return _TABLE.sub(table, text)


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    stale = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            stale.append(page)
            if not check:
                page.write_text(new, encoding="utf-8")
    if stale:
        print(("out of date: " if check else "rewrote: ") + ", ".join(p.name for p in stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
