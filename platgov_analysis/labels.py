"""Bilingual labels: English for international readers, Chinese as in the sources.

Data tables carry ``<stem>_en`` and ``<stem>_zh`` columns; notebooks take a ``lang``
parameter and every label goes through these helpers.
"""
from __future__ import annotations

import pandas as pd

LANGS = ("en", "zh")


def check_lang(lang: str) -> str:
    """Fail with a sentence (not a KeyError later) when ``lang`` is not supported."""
    if lang not in LANGS:
        raise ValueError(f'lang must be one of {", ".join(LANGS)}, not "{lang}"')
    return lang


def localized(frame: pd.DataFrame, stem: str, lang: str) -> pd.Series:
    """The ``<stem>_<lang>`` column, falling back to the other language where it is empty."""
    other = "zh" if check_lang(lang) == "en" else "en"
    primary = frame[f"{stem}_{lang}"]
    if f"{stem}_{other}" in frame:
        return primary.fillna(frame[f"{stem}_{other}"])
    return primary


def text(lang: str, en: str, zh: str) -> str:
    """Pick the English or Chinese wording of a label written by us."""
    return en if check_lang(lang) == "en" else zh


def code_labels(vocabulary: pd.DataFrame, field: str, lang: str) -> dict[str, str]:
    """Display label of each code of an enum field (``data/vocabulary.csv``) in ``lang``."""
    rows = vocabulary[vocabulary["field"] == field]
    return dict(zip(rows["code"], rows[f"label_{check_lang(lang)}"]))


def decode(frame: pd.DataFrame, vocabulary: pd.DataFrame, lang: str, columns) -> pd.DataFrame:
    """A copy of ``frame`` whose code columns show their labels in ``lang``.

    ``columns`` names enum fields (a list), or maps column -> field where a column is named
    otherwise (``{"speaker": "speaker_role"}``). A code without a label stays as it is;
    validation makes sure there is none.
    """
    pairs = columns.items() if isinstance(columns, dict) else ((c, c) for c in columns)
    decoded = frame.copy()
    for column, field in pairs:
        labels = code_labels(vocabulary, field, lang)
        decoded[column] = decoded[column].map(lambda code: labels.get(code, code), na_action="ignore")
    return decoded
