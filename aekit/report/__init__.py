"""The report: ``python -m aekit report`` runs every notebook headless and writes a page each.

- :mod:`~aekit.report.cli`: the command line (``main``);
- :mod:`~aekit.report.runner`: running the notebooks, each in a process of its own
  (:mod:`~aekit.report.notebook_process`), and refreshing ``figures/`` or the committed notebooks;
- :mod:`~aekit.report.pages`: a notebook as a self-contained HTML page;
- :mod:`~aekit.report.index`: the index page.
"""
