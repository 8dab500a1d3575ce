"""Command line of platgov: validate, verify-quotes, summary, build, check-reproducible, bench, exports.

Exit codes: 0 fine, 1 a report run failed, 2 the input (data, sources, runs list) is wrong.
Problems are printed as sentences naming file, row and field; never as tracebacks.
"""
from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

# jsonschema (under nbformat and frictionless) imports rfc3987_syntax where it is installed
# (JupyterLab's dependencies bring it) for the "iri" format, and that module builds its Lark
# grammars on import: two seconds of every command that reads a notebook. No schema used here
# has that format, so the commands do without it (jsonschema issue #1428).
sys.modules.setdefault("rfc3987_syntax", None)

from . import data  # noqa: E402

BAD_INPUT = 2


def _report(problems: list[str], failure: str, success: str) -> int:
    """Print each problem, then one closing line; exit 2 when there were problems."""
    for problem in problems:
        print(problem)
    print(failure if problems else success)
    return BAD_INPUT if problems else 0


def _validate(args) -> int:
    problems = data.validate(args.data)
    return _report(problems, f"{len(problems)} problem(s): the data package does not validate.",
                   f"data package valid: {args.data or data.DATA_DIR}")


def _verify_quotes(args) -> int:
    tables = data.load_tables(args.data)
    problems = data.verify_quotes(tables, args.sources)
    n = len(tables["evidence"])
    return _report(problems, f"{len(problems)} of {n} quote(s) not found verbatim in the sources.",
                   f"all {n} quotes found verbatim in {args.sources}")


def _summary(args) -> int:
    from .cases import summary_text

    print(summary_text(data.load_tables(args.data)))
    return 0


def _build(args) -> int:
    from .build import Paths, build
    from .runs import BuildConfigError

    try:
        return build(jobs=args.jobs, force=args.force, only=args.only,
                     paths=Paths(runs_file=args.runs) if args.runs else Paths())
    except BuildConfigError as err:
        print(err)
        return BAD_INPUT
    finally:
        # the interpreter's last collection would walk every object of the libraries the build
        # imported (a third of a second at exit); none of them waits for it to be freed
        gc.freeze()


def _check_reproducible(args) -> int:
    from .build import check_reproducible

    return check_reproducible(jobs=args.jobs)


def _bench(args) -> int:
    from .build import bench

    return bench(jobs=args.jobs, repeat=args.repeat)


def _refresh_outputs(args) -> int:
    from .checked_outputs import refresh

    for notebook in args.notebooks:
        print(f"{notebook}: {refresh(notebook)} checked cell(s) refreshed")
    return 0


def _export_qdpx(args) -> int:
    from .exports import DEFAULT_SOURCES, qdpx

    sources = args.sources or DEFAULT_SOURCES
    tables = data.load_tables(args.data)
    seeds = [sources / seed for seed in tables["studies"]["seed_file"]]
    lacking = [path for path in seeds if not path.is_file()]
    if args.sources and lacking:
        return _report([f"{path}: source text not found (studies.seed_file)" for path in lacking],
                       "The full-text project needs every study's text; nothing was written.", "")
    problems = []
    for lang in args.lang:
        paths, missing = qdpx.export(args.out, tables, lang, None if lacking else sources)
        problems += [p for p in missing if p not in problems]
        for path in paths:
            print(f"written: {path}")
    done = (f"shareable REFI-QDA files written; no full-text project: the source texts are not in {sources} "
            "(give --sources)" if lacking else
            "REFI-QDA files written; the full-text project holds the studies' texts: never share or commit it.")
    return _report(problems, f"{len(problems)} quote(s) not found in the source texts have no selection.", done)


def _export_bibliography(args) -> int:
    from .exports import bibliography

    for path in bibliography.export(args.out, data.load_tables(args.data)):
        print(f"written: {path}")
    return 0


def _export_metadata(args) -> int:
    from .exports import metadata

    try:
        paths, problems = metadata.export(data.load_tables(args.data), args.data or data.DATA_DIR)
    except metadata.ToolError as err:
        print(err)
        return 1
    for path in paths:
        print(f"written: {path}")
    return _report(problems, "CITATION.cff does not validate; nothing was written.",
                   "CITATION.cff valid; codemeta.json and the data package's sources regenerated.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m platgov_analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in [
        ("validate", _validate, "check data/ against data/datapackage.json"),
        ("verify-quotes", _verify_quotes, "check every evidence quote occurs verbatim in its source text"),
        ("summary", _summary, "counts per table and study, unknowns per condition, intercoder kappa"),
        ("build", _build, "build the report into reports/ (parallel, incremental)"),
        ("check-reproducible", _check_reproducible, "two clean builds must give byte-identical reports"),
        ("bench", _bench, "time cold, sequential, no-op and incremental builds"),
        ("refresh-outputs", _refresh_outputs, "re-execute notebooks, keep the outputs nbval checks"),
        ("export-qdpx", _export_qdpx, "REFI-QDA project (.qdpx) and codebook (.qdc) for QDA suites"),
        ("export-bibliography", _export_bibliography, "the studies and their references as BibTeX, RIS, CSL-JSON"),
        ("export-metadata", _export_metadata, "validate CITATION.cff, regenerate codemeta.json and the package's sources"),
    ]:
        command = sub.add_parser(name, help=help_text)
        command.set_defaults(func=func)
        if name in ("build", "check-reproducible", "bench"):
            command.add_argument("--jobs", type=int, default=None, help="parallel runs (default: number of cores)")
        elif name != "refresh-outputs":
            command.add_argument("--data", type=Path, default=None, help="data folder (default: the repo's data/)")
    sub.choices["bench"].add_argument("--repeat", type=int, default=1, help="measure this many times (median, range)")
    sub.choices["refresh-outputs"].add_argument("notebooks", nargs="+", type=Path, help="notebooks to refresh")
    sub.choices["verify-quotes"].add_argument("--sources", type=Path, required=True,
                                              help="folder with the studies' source texts (e.g. ../shared/seeds)")
    for name in ("export-qdpx", "export-bibliography"):
        sub.choices[name].add_argument("--out", type=Path, default=Path("exports"),
                                       help="output folder (default: exports/, which git ignores)")
    qdpx_cmd = sub.choices["export-qdpx"]
    qdpx_cmd.add_argument("--sources", type=Path, default=None,
                          help="folder with the source texts, for the full-text project (default: ../shared/seeds)")
    qdpx_cmd.add_argument("--lang", nargs="+", choices=["en", "zh"], default=["en", "zh"],
                          help="languages of code, case and variable names (default: both)")
    build_cmd = sub.choices["build"]
    build_cmd.add_argument("--force", action="store_true", help="rebuild every run, changed or not")
    build_cmd.add_argument("--runs", type=Path, default=None, help="runs list (default: notebooks/runs.yaml)")
    build_cmd.add_argument("--only", nargs="+", help="build only these runs (names or folder prefixes); no publish")
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except data.DataValidationError as err:
        for problem in err.problems:
            print(problem)
        print("The data package does not validate; fix the problems above (python -m platgov_analysis validate).")
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
