"""``python -m aekit report`` and ``python -m aekit links``: see :mod:`aekit.report.cli`."""

from aekit.report.cli import main

raise SystemExit(main())
