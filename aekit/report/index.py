"""The report's index page: what ran, where, on which data, with which results."""

from __future__ import annotations

import html
import os
import platform
from datetime import datetime
from pathlib import Path

from aekit._files import write_atomically


def write_index(output_dir: Path, results: list) -> Path:
    """Write ``output_dir/index.html`` for the pages of one run (:class:`~aekit.report.runner.Result`)."""
    versions = next((r.record["versions"] for r in results if r.record.get("versions")), [])
    header = [("generated", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
              ("machine", f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()}"),
              ("versions", ", ".join(f"{k} {v}" for k, v in versions) or "—")]
    rows = [{"name": r.name, "status": r.status, "seconds": r.seconds,
             "data": r.record.get("data"), "results": r.record.get("results"),
             "parameters": r.record.get("parameters"),
             "figures": [f.relative_to(output_dir).as_posix() for f in r.figures]} for r in results]
    return _page(output_dir / "index.html", rows, title="aekit report", header=header,
                 comparison=_comparison(results))


def _comparison(results: list) -> list[list[str]]:
    """Q1's variations side by side (when more than one ran): variation, held-out error,
    parameters, seconds, and the measured advantage in one number, as each notebook recorded them."""
    rows = []
    for r in results:
        found = dict(r.record.get("compared", []))
        if found:
            rows.append([r.name, found["variation"], found["mse"], found["parameters"], f"{r.seconds:.0f}",
                         f"{found['advantage']}: {found['advantage value']}"])
    return rows if len(rows) > 1 else []


def cpu_name() -> str:
    """The CPU's model name (Linux), else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _page(path: Path, rows: list[dict], *, title: str, header: list[tuple[str, str]],
          comparison: list[list[str]] = ()) -> Path:
    """Write the index page: ``header`` as (label, value) pairs, the ``comparison`` of Q1's
    variations if there is one, then one section per row."""
    head = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in header)
    sections = "\n".join(_index_section(row) for row in rows)
    if comparison:
        columns = ["page", "variation", "held-out MSE per pixel, plain / variation",
                   "parameters, plain / variation", "seconds", "measured advantage, plain / variation"]
        sections = ("<h2>Q1's variations side by side</h2><table><tr>"
                    + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>"
                    + "".join("<tr>" + "".join(
                        f'<td><a href="{html.escape(cell)}.html">{html.escape(cell)}</a></td>' if k == 0
                        else f"<td>{html.escape(cell)}</td>" for k, cell in enumerate(row)) + "</tr>"
                              for row in comparison) + "</table>\n" + sections)
    write_atomically(path, f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 62em; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: .6em 0 1.2em; }}
th, td {{ padding: .3em .9em; text-align: left; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f4f4f4; }}
section {{ border-top: 2px solid #ccc; margin-top: 1.5em; }}
.failed {{ color: #b00020; font-weight: bold; }}
code {{ background: #f4f4f4; padding: 0 .25em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<table>{head}</table>
{sections}
</body></html>
""")
    return path


def _index_section(row: dict) -> str:
    name = html.escape(row["name"])
    status = (f'<span class="failed">{html.escape(row["status"])}</span>' if row["status"] != "ok"
              else "ok")
    parts = [f'<section><h2><a href="{name}.html">{name}</a></h2>',
             f"<p>{status} in {row['seconds']:.1f} s · data: {html.escape(row.get('data') or '—')}</p>"]
    if row.get("results"):
        parts.append("<table><tr><th>result</th><th>value</th></tr>" + "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
            for k, v in row["results"]) + "</table>")
    if row.get("parameters"):
        parts.append("<details><summary>parameters it ran with</summary><table>" + "".join(
            f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(repr(v))}</code></td></tr>"
            for k, v in row["parameters"]) + "</table></details>")
    if row.get("figures"):
        parts.append("<p>figures: " + ", ".join(
            f'<a href="{html.escape(href)}">{html.escape(Path(href).name)}</a>'
            for href in row["figures"]) + "</p>")
    return "\n".join(parts) + "</section>"
