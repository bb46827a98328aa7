"""The notebooks' "Open in Colab" badges and Colab setup cells, written from one URL.

The repository's address lives in pyproject.toml (``[project.urls] Repository``). ``python -m
aekit links`` writes it into every notebook: the badge (a Colab link to the notebook on GitHub)
and the setup cell's ``%pip install "aekit @ git+<url>"``. A fork changes the URL and runs it.
"""

from __future__ import annotations

import re
from pathlib import Path

_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
_BADGE_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"]+")
_INSTALL = re.compile(r"aekit @ git\+[^\"\s]+")


def repository_url(pyproject: Path) -> str:
    """The ``Repository`` URL under ``[project.urls]`` of ``pyproject`` (a GitHub repository)."""
    text = Path(pyproject).read_text(encoding="utf-8")
    section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, flags=re.M | re.S)
    found = section and re.search(r'^Repository\s*=\s*"([^"]+)"', section.group(1), flags=re.M)
    if not found:
        raise ValueError(f"{pyproject} names no Repository under [project.urls]")
    url = found.group(1)
    if not _GITHUB.match(url):
        raise ValueError(f"Repository must be a GitHub URL such as https://github.com/OWNER/aekit "
                         f"(Colab opens notebooks from GitHub), got {url!r}")
    return url


def write_links(notebooks_dir: Path, url: str) -> list[Path]:
    """Point every notebook's badge and setup cell at ``url``; return the notebooks changed."""
    import nbformat

    owner, name = _GITHUB.match(url).groups()
    changed = []
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        badge = f"https://colab.research.google.com/github/{owner}/{name}/blob/main/notebooks/{path.name}"
        before = [cell.source for cell in notebook.cells]
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = _BADGE_LINK.sub(badge, cell.source)
            elif cell.cell_type == "code":
                cell.source = _INSTALL.sub(f"aekit @ git+{url}", cell.source)
        if [cell.source for cell in notebook.cells] != before:
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


def links_in(notebook: Path) -> tuple[list[str], list[str]]:
    """The badge links and the install specifications a notebook's cells hold."""
    import nbformat

    text = "\n".join(cell.source for cell in nbformat.read(notebook, as_version=4).cells)
    return _BADGE_LINK.findall(text), _INSTALL.findall(text)
