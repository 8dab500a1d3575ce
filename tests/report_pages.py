"""The report's own pages written straight from the data into a folder, without notebooks, for
the page tests; and a copy of the data whose texts try to inject markup."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from platgov_analysis.build import Paths
from platgov_analysis.data import DATA_DIR
from platgov_analysis.report import write_data_pages, write_index
from platgov_analysis.runs import load_runs

QUOTE_ID = "song2026-e057"
INJECTED = '<script>window.injected = 1</script></script><b>bold</b> & "quoted"'


def write_pages(folder: Path, data_dir: Path = DATA_DIR) -> Path:
    """The landing page, evidence browser, matrix and network viewer of ``data_dir`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_data_pages(folder, data_dir, Paths().notebooks_dir)
    write_index(folder, load_runs(), data_dir, Paths().notebooks_dir)
    return folder


def inject(data_dir: Path) -> Path:
    """A copy of the data in which a quote, a tie's description and a case's name carry markup."""
    target = shutil.copytree(DATA_DIR, data_dir)
    for table, key, column in (("evidence", QUOTE_ID, "quote"), ("relations", "song2026-r001", "description_en"),
                               ("cases", "song2026.j-intelligence-command", "name_en")):
        path = target / f"{table}.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            if key in row.values():
                row[column] = INJECTED + row[column]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return target
