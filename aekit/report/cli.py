"""``python -m aekit report`` and ``python -m aekit links``: the command line.

    python -m aekit report [--output DIR] [-p NAME VALUE]... [-f params.yaml] [--only q2]
                           [--quick] [--data SOURCE] [--backend jax] [--refresh-committed]
    python -m aekit links [--notebooks DIR] [--pyproject FILE]

See :mod:`aekit.report.runner` for what a report run does; docs/report.md for every option.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from aekit import colab
from aekit._keras import BACKENDS, backend_problem
from aekit.report.runner import (QUICK, Interrupted, NotebookFailed, ReportError, refresh_committed,
                                 run_report)


def _interrupted(signum, frame):
    raise Interrupted()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of ``aekit`` and ``python -m aekit``."""
    parser = argparse.ArgumentParser(prog="aekit", description="aekit's report tools")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="regenerate the notebooks, figures and HTML report")
    report.add_argument("--notebooks", type=Path, default=Path("notebooks"),
                        help="folder of the notebooks (default: notebooks)")
    report.add_argument("--figures", type=Path, default=Path("figures"),
                        help="folder of the committed figures to refresh (default: figures)")
    report.add_argument("--output", type=Path, default=Path("build/report"),
                        help="where executed notebooks and HTML go (default: build/report)")
    report.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="set NAME in every notebook that declares it")
    report.add_argument("-f", "--parameters-file", type=Path,
                        help="YAML of per-notebook values: {q2_autoencoder: {latent_dim: 3}}")
    report.add_argument("--only", action="append", default=[], metavar="NOTEBOOK",
                        help="run only this notebook (q1, q2 or a full name); repeatable")
    report.add_argument("--variations", metavar="NAMES",
                        help="run Q1 once per variation, one page each: 'all' or a comma-separated "
                             "list (vae,denoising,...); the index compares them")
    report.add_argument("--quick", action="store_true",
                        help=f"fast smoke configuration: {', '.join(f'{k}={v}' for k, v in QUICK.items())}")
    report.add_argument("--data", metavar="SOURCE", help="data_source for every notebook: auto, keras, sample or a path")
    report.add_argument("--backend", choices=BACKENDS,
                        help="Keras backend the notebooks run on (default: KERAS_BACKEND, else tensorflow)")
    report.add_argument("--jobs", type=int, default=2,
                        help="notebooks run at once (default: 2, one per core of a small machine)")
    report.add_argument("--refresh-committed", action="store_true",
                        help="re-execute the committed notebooks in place with their defaults")
    links = commands.add_parser("links", help="write the notebooks' Colab badges and setup cells "
                                "from the Repository URL in pyproject.toml (for a fork)")
    links.add_argument("--notebooks", type=Path, default=Path("notebooks"),
                       help="folder of the notebooks (default: notebooks)")
    links.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"),
                       help="where the Repository URL is (default: pyproject.toml)")
    args = parser.parse_args(argv)
    if args.command == "links":
        return _links(args.notebooks, args.pyproject)
    previous = signal.signal(signal.SIGTERM, _interrupted), signal.getsignal(signal.SIGINT)
    try:
        backend = _choose_backend(args.backend)
        if args.refresh_committed:
            if args.parameter or args.parameters_file or args.quick or args.data or args.variations:
                raise ReportError("--refresh-committed runs the notebooks with their own defaults: "
                                  "it takes no -p, -f, --quick, --data or --variations")
            if backend != BACKENDS[0]:
                raise ReportError("--refresh-committed stores the outputs nbval compares, which are "
                                  "TensorFlow's: run it without --backend (or KERAS_BACKEND=tensorflow)")
            results = refresh_committed(args.notebooks, args.output, only=args.only)
        else:
            overrides = {name: _parse_value(value) for name, value in args.parameter}
            if args.data:
                overrides["data_source"] = args.data
            results = run_report(args.notebooks, args.output, args.figures, overrides=overrides,
                                 per_notebook=_read_parameters_file(args.parameters_file),
                                 only=args.only, jobs=args.jobs, quick=args.quick,
                                 variations=[v for v in (args.variations or "").split(",") if v])
    except NotebookFailed as error:
        print(f"aekit report: error: {error}", file=sys.stderr)
        return 1
    except (ReportError, ValueError) as error:
        print(f"aekit report: error: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Interrupted):
        print("aekit report: interrupted: the running notebooks were stopped and their partial "
              f"output removed; {args.figures}/ was left as it was", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    return 0 if all(r.status == "ok" for r in results) else 1


def _choose_backend(requested: str | None) -> str:
    """The Keras backend for the notebooks (they inherit KERAS_BACKEND): ``requested``, else the
    environment's, else TensorFlow; an error if it is not one aekit runs on or is not installed."""
    backend = requested or os.environ.get("KERAS_BACKEND") or BACKENDS[0]
    problem = backend_problem(backend, "--backend" if requested else "KERAS_BACKEND")
    if problem:
        raise ReportError(problem)
    os.environ["KERAS_BACKEND"] = backend
    return backend


def _links(notebooks_dir: Path, pyproject: Path) -> int:
    try:
        url = colab.repository_url(pyproject)
        changed = colab.write_links(notebooks_dir, url)
    except (OSError, ValueError) as error:
        print(f"aekit links: error: {error}", file=sys.stderr)
        return 2
    print(f"{url}: " + (", ".join(str(p) for p in changed) + " updated" if changed
                        else "every notebook already points there"))
    return 0


def _read_parameters_file(path: Path | None) -> dict:
    if path is None:
        return {}
    import yaml  # the report's extra (aekit[report])

    try:
        content = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ReportError(f"cannot read parameters file {path}: {error}") from None
    if not isinstance(content, dict) or not all(isinstance(v, dict) for v in content.values()):
        raise ReportError(f"parameters file {path} must map notebook names to parameter "
                          f"mappings, e.g. {{q2_autoencoder: {{latent_dim: 3}}}}")
    return content


def _parse_value(text: str):
    """Read a -p value as papermill's CLI does: YAML (numbers, lists, True/False/None)."""
    import yaml  # the report's extra (aekit[report])

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text