"""The report's pages: each executed notebook as one self-contained HTML file, and the index.

A page fetches nothing from outside: figures are embedded (data URIs), equations are converted
from LaTeX to MathML when the page is written (browsers typeset MathML themselves, no MathJax),
and external images such as the Colab badge become plain links.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<style>math { font-size: 1.1em; font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math",
  "DejaVu Math TeX Gyre", math; } math[display="block"] { display: block math; margin: 0.8em 0; }</style>
{%- endblock html_head_js_mathjax -%}
"""
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)((?:[^$\n]|\n(?!\s*\n))+?)(?<!\s)\$(?!\d)")
_OPERATOR_NAME = re.compile(r"(<mi>(?:log|exp|ln|det|max|min|arg|sin|cos)</mi>)(?!<mo stretchy=\"false\">&#x00028;)")
_EXTERNAL_IMAGE = re.compile(r"!\[([^\]]*)\]\((https?://[^)\s]+)[^)]*\)")


def export_html(notebook: Path) -> Path:
    """Write ``notebook`` (an executed .ipynb) as a self-contained page beside it; return its path."""
    import nbconvert
    import nbformat
    from jinja2 import DictLoader

    node = offline_markdown(nbformat.read(notebook, as_version=4))
    exporter = nbconvert.HTMLExporter(template_name="lab", template_file="aekit_offline.html.j2",
                                      extra_loaders=[DictLoader({"aekit_offline.html.j2": _TEMPLATE})])
    body, _ = exporter.from_notebook_node(node)
    page = notebook.with_suffix(".html")
    write_atomically(page, body)
    return page


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write beside ``path``, then rename: a reader, or an interrupted run, never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if isinstance(content, bytes):
            partial.write_bytes(content)
        else:
            partial.write_text(content, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def offline_markdown(notebook):
    """A copy of ``notebook`` whose Markdown (cells and outputs) needs nothing from the network."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_without_network(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = markdown_without_network(data["text/markdown"])
    return notebook


def markdown_without_network(text: str) -> str:
    """Replace ``$…$`` and ``$$…$$`` with MathML and external images with links to them;
    code spans are left as they are."""
    parts = _CODE_SPAN.split(text)
    # re.split with one group for the backticks and one for the code: [text, ticks, code, text, …]
    out = []
    for index, part in enumerate(parts):
        if index % 3 == 0:
            part = _DISPLAY_MATH.sub(lambda m: _mathml(m.group(1), display=True), part)
            part = _INLINE_MATH.sub(lambda m: _mathml(m.group(1), display=False), part)
            part = _EXTERNAL_IMAGE.sub(lambda m: m.group(1) or m.group(2), part)
            out.append(part)
        elif index % 3 == 1:
            out.append(part + parts[index + 1] + part)
    return "".join(out)


def _mathml(latex: str, *, display: bool) -> str:
    from latex2mathml.converter import convert

    markup = convert(latex.strip(), display="block" if display else "inline").replace("\n", " ")
    # TeX puts a thin space after an operator name such as log; latex2mathml does not.
    markup = _OPERATOR_NAME.sub(r'\1<mspace width="0.167em" />', markup)
    return f"\n\n{markup}\n\n" if display else markup


def write_index(path: Path, rows: list[dict], *, title: str, header: list[tuple[str, str]],
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
