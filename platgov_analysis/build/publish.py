"""Publishing: the report assembled in a staging folder from the cached runs and swapped in
whole, and the clean-up of what a killed build left behind."""
from __future__ import annotations

import shutil
import threading

from ..folders import ASIDE, recover, swap_in
from ..runs import Run
from .cache import DEPS_FILE, cache_dir
from .paths import HASH_FILE, LOCK_FILE, PACKAGE_DIR, PUBLISHED, Paths, crash_point


def publish(runs: list[Run], results: dict, paths: Paths, stamp: str) -> None:
    """Assemble the report, stamp included, in a staging folder from the cached runs, then swap
    it in whole: the swap is the one moment the published report changes."""
    from ..memo import remembered_tree
    from ..report import write_index

    reports_dir, staging = paths.reports_dir, paths.staging_dir
    staging.mkdir(parents=True)
    for run in runs:
        shutil.copytree(cache_dir(run, paths), staging / run.name, ignore=shutil.ignore_patterns(HASH_FILE, DEPS_FILE))
        crash_point("assembly")
    readme = reports_dir / "README.md"
    if readme.exists():
        shutil.copy2(readme, staging / "README.md")
    _interchange(staging, paths)
    remembered_tree(*_data_pages_source(paths), staging)
    write_index(staging, runs, paths.data_dir, paths.notebooks_dir)
    (staging / PUBLISHED).write_text(stamp)
    crash_point("swap")
    swap_in(staging, reports_dir)
    crash_point("swapped")
    shutil.rmtree(staging, ignore_errors=True)  # the previous report


def _interchange_source(paths: Paths):
    """The interchange files' kind, key and maker in the shared cache. They come from the data,
    the texts and the code alone (no run), so they are kept by those digests: a rebuild whose
    data did not change copies them."""
    from .. import exports
    from ..data import folder_digest
    from ..memo import source_digest

    sources = exports.DEFAULT_SOURCES
    key = (folder_digest(paths.data_dir), folder_digest(sources) if sources.is_dir() else None,
           folder_digest(PACKAGE_DIR, "*.py"), source_digest(LOCK_FILE))

    def make(folder) -> None:
        exports.publish(folder / "report", paths.data_dir, sources, fulltext_dir=folder / "fulltext")

    return "interchange", key, make


def _data_pages_source(paths: Paths):
    """The data pages' kind, key and maker: keyed by the data, the notebooks (the matrix shows the
    comparative notebook's default analysis) and the code with its templates and assets."""
    from ..data import folder_digest
    from ..memo import source_digest
    from ..report import write_data_pages

    key = (folder_digest(paths.data_dir), folder_digest(paths.notebooks_dir, "*.ipynb"), folder_digest(PACKAGE_DIR),
           source_digest(LOCK_FILE))

    def make(folder) -> None:
        write_data_pages(folder, paths.data_dir, paths.notebooks_dir)

    return "data-pages", key, make


def start_data_only(paths: Paths) -> threading.Thread:
    """Make what the report shows of the data alone (the interchange files, the data pages) in the
    shared cache on a thread of its own, while the runs execute; :func:`publish` then only copies
    it (or, should this fail, makes it and says why)."""
    from ..memo import kept_tree

    def make_kept() -> None:
        for source in (_interchange_source, _data_pages_source):
            try:
                kept_tree(*source(paths))
            except Exception:  # noqa: BLE001 - publish makes it again, and its error is the build's sentence
                pass

    thread = threading.Thread(target=make_kept, name="data-only", daemon=True)
    thread.start()
    return thread


def _interchange(staging, paths: Paths) -> None:
    """The report's interchange files, and the full-text projects beside the report where the
    source texts are at hand."""
    from .. import exports
    from ..memo import remembered_tree

    made = staging / ".interchange"
    remembered_tree(*_interchange_source(paths), made)
    shutil.copytree(made / "report", staging, dirs_exist_ok=True)
    if (made / "fulltext").is_dir():
        shutil.copytree(made / "fulltext", exports.FULLTEXT_DIR, dirs_exist_ok=True)
    shutil.rmtree(made)


def clean_leftovers(paths: Paths) -> None:
    """Remove what a killed build left: half-written run folders, a staging report, a previous
    report or cached run still set aside by the fallback of :func:`swap_in`."""
    shutil.rmtree(paths.work_dir / "tmp", ignore_errors=True)
    recover(paths.reports_dir)
    shutil.rmtree(paths.staging_dir, ignore_errors=True)
    for aside in sorted((paths.work_dir / "runs").rglob("*" + ASIDE), reverse=True):
        if aside.is_dir():
            recover(aside.with_name(aside.name.removesuffix(ASIDE)))
