"""The report's pages: each executed notebook as one self-contained HTML file.

A page fetches nothing from outside: figures are embedded (data URIs), equations are converted
from LaTeX to MathML when the page is written (browsers typeset MathML themselves, no MathJax),
and external images such as the Colab badge become plain links.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from aekit._files import write_atomically

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


def export_html(notebook: Path, page: Path | None = None) -> Path:
    """Write ``notebook`` (an executed .ipynb) as a self-contained page, to ``page`` or beside it;
    return its path."""
    import nbconvert
    import nbformat
    from jinja2 import DictLoader

    node = offline_markdown(nbformat.read(notebook, as_version=4))
    exporter = nbconvert.HTMLExporter(template_name="lab", template_file="aekit_offline.html.j2",
                                      extra_loaders=[DictLoader({"aekit_offline.html.j2": _TEMPLATE})])
    body, _ = exporter.from_notebook_node(node)
    page = Path(page) if page is not None else Path(notebook).with_suffix(".html")
    write_atomically(page, body)
    return page


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
