"""The report's pages as a reader gets them from the README's main command (run once per session
by tests/conftest.py), parsed.

A page must show no stderr boxes, fetch nothing from outside, render every table as a table and
every equation as MathML, and show no temporary paths; the index must say what ran, on which
data, with what results and versions, and link to the figures.
"""

import re
from html.parser import HTMLParser

import pytest

from aekit.report.pages import markdown_without_network
from conftest import ROOT

LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
         "audio": "src", "embed": "src", "object": "data", "link": "href"}


class Page(HTMLParser):
    """What a reader sees and what a browser fetches."""

    def __init__(self, text):
        super().__init__()
        self.fetches, self.stderr, self.tables, self.text, self.maths, self.links = [], 0, [], [], 0, []
        self._skip = []  # open code/pre/script/style/math elements: their text is not prose
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(LOADS.get(tag, ""), "") or ""
        if re.match(r"(https?:)?//", url) and not (tag == "link" and attrs.get("rel") in ("canonical",)):
            self.fetches.append(f"<{tag} {url}>")
        if attrs.get("data-mime-type") in ("application/vnd.jupyter.stderr",):
            self.stderr += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append(0)
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1] += 1
        elif tag == "math":
            self.maths += 1
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("code", "pre", "script", "style", "math"):
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if "url(http" in data.replace(" ", "") or "@import" in data:
            self.fetches.append(f"css {data.strip()[:60]}")
        if not self._skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def report(main_report):
    (code, output, _, _), folder = main_report
    assert code == 0, output[-3000:]
    return folder


def notebook_pages(report):
    pages = sorted(p for p in report.glob("*.html") if p.name != "index.html")
    assert {p.stem for p in pages} == {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    return pages


def test_pages_have_no_stderr_fetch_nothing_and_hide_no_temporary_path(report, main_report):
    for path in notebook_pages(report):
        page = Page(path.read_text())
        assert page.stderr == 0, f"{path.name} shows {page.stderr} stderr boxes"
        assert page.fetches == [], f"{path.name} fetches {page.fetches}"
        prose = "".join(page.text)
        for trace in ("/tmp/", str(report.parent.parent), "aekit-notebook-"):
            assert trace not in path.read_text(), f"{path.name} shows the path {trace!r}"
        assert "oneDNN" not in prose and "absl" not in prose and "Downloading data" not in prose


def test_every_table_is_a_table_and_every_equation_is_mathml(report):
    for path in notebook_pages(report):
        page = Page(path.read_text())
        prose = "".join(page.text)
        assert not re.search(r"^\s*\|.*\|\s*$", prose, flags=re.M), f"{path.name}: a table left as text"
        for rows in page.tables:
            assert rows and all(cells == rows[0] for cells in rows), f"{path.name}: ragged table {rows}"
        assert not re.search(r"\$[^$]*\\[a-zA-Z]+", prose), f"{path.name}: LaTeX left as source"
    q1 = Page((report / "q1_vae.html").read_text())
    assert q1.maths >= 10
    assert any(len(rows) == 9 and rows[0] == 3 for rows in q1.tables)  # the measures, 8 rows + header


def test_the_index_says_what_ran_on_which_data_with_what_results(report):
    index = Page((report / "index.html").read_text())
    prose = " ".join("".join(index.text).split())
    for fact in ("generated", "versions", "TensorFlow", "Keras", "aekit", "embedded sample",
                 "held-out reconstruction MSE per pixel", "held-out negative ELBO (nats)",
                 "Fréchet distance of N(0, I) samples", "parameters it ran with",
                 "Variational autoencoder (VAE)"):
        assert fact in prose, fact
    assert "<code>latent_dim</code>" in (report / "index.html").read_text()
    assert {f"{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb")} <= set(index.links)
    figures = [link for link in index.links if link.endswith(".png")]
    assert len(figures) == len(list((ROOT / "figures").glob("*.png")))  # every figure a default run draws
    assert all((report / link).is_file() for link in figures)


def test_offline_markdown_keeps_code_and_links_external_images():
    text = ("See `$HOME` and $x^2$.\n\n$$\\sum_j z_j$$\n\n"
            "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.x/nb)")
    out = markdown_without_network(text)
    assert "`$HOME`" in out and out.count("<math") == 2 and 'display="block"' in out
    assert "[Open In Colab](https://colab.x/nb)" in out and "badge.svg" not in out
