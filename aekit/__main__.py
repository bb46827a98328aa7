"""``python -m aekit report``: see :mod:`aekit.report`."""

from aekit.report import main

raise SystemExit(main())
