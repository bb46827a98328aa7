"""Markdown that renders the same in Jupyter, on GitHub and in the exported HTML."""

from __future__ import annotations


def markdown_table(header, rows) -> str:
    """A Markdown table; a ``|`` inside a cell is escaped, so it cannot end the cell."""
    def line(cells):
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    header = list(header)
    return "\n".join([line(header), "|" + "---|" * len(header)] + [line(row) for row in rows])


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
