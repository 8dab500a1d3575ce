"""Every evidence quote must occur verbatim in its study's source text."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .messages import display


def fold_whitespace(text: str) -> str:
    """Drop all white space: the only difference a verbatim quote may have from its source."""
    return re.sub(r"\s+", "", text)


def verify_quotes(tables: dict[str, pd.DataFrame], sources_dir: Path | str) -> list[str]:
    """Check every evidence quote occurs verbatim in its study's source text.

    Source texts are found through ``studies.seed_file``; they are never copied into the repo.
    Returns one sentence per miss (empty list = every quote found).
    """
    sources_dir = Path(sources_dir)
    seeds = dict(zip(tables["studies"]["study_id"], tables["studies"]["seed_file"]))
    texts: dict[str, str | None] = {}
    problems = []
    for study_id, seed in seeds.items():
        path = sources_dir / seed
        texts[study_id] = fold_whitespace(path.read_text(encoding="utf-8")) if path.exists() else None
        if texts[study_id] is None:
            problems.append(f"{display(path)}: source text of study {study_id} not found (studies.seed_file)")
    for row in tables["evidence"].itertuples(index=False):
        text = texts.get(row.study_id)
        if text is not None and fold_whitespace(row.quote) not in text:
            problems.append(f'evidence {row.evidence_id} (study {row.study_id}): quote not found in '
                            f'{seeds[row.study_id]}: "{row.quote}"')
    return problems
