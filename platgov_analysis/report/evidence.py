"""The evidence browser, ``reports/evidence.html``: every quote with its study, location, kind,
speaker, dimension and the coded rows that cite it, searchable and filterable in the page.

Each quote is an element whose id is its evidence id, so ``evidence.html#song2026-e045`` opens
at it; the rows that cite a quote are found through the schema's evidence columns, so a new
table or a sixth study needs no change here.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data import read_descriptor
from ..labels import code_labels, localized, text
from .matrix import cell_id
from .pages import page_name, study_labels, write_page

EVIDENCE = "evidence"


def evidence_columns(descriptor: dict) -> list[tuple[str, str, list[str]]]:
    """(table, column, primary key) of every foreign key into the evidence table, read from the
    schema, so a new evidence column counts without a change here."""
    found = []
    for resource in descriptor["resources"]:
        key = resource["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else list(key)
        for foreign in resource["schema"].get("foreignKeys", []):
            if foreign["reference"]["resource"] == EVIDENCE:
                fields = [foreign["fields"]] if isinstance(foreign["fields"], str) else foreign["fields"]
                found.append((resource["name"], fields[-1], key))
    return found


def citing_rows(tables: dict[str, pd.DataFrame], descriptor: dict) -> dict[str, list[dict]]:
    """Per evidence id, the rows that cite it: table, row key, column and, for a condition cell,
    the condition and the matrix cell it opens."""
    uses: dict[str, list[dict]] = {}
    for table, column, key in evidence_columns(descriptor):
        frame = tables[table]
        for row in frame.dropna(subset=[column]).to_dict("records"):
            use = {"table": table, "row": " / ".join(str(row[k]) for k in key), "column": column}
            if table == "case_conditions":
                use.update(condition=row["condition_id"], cell=cell_id(row["case_id"], row["condition_id"]))
            for evidence_id in str(row[column]).split(";"):
                uses.setdefault(evidence_id, []).append(use)
    return uses


def evidence_context(tables: dict[str, pd.DataFrame], descriptor: dict, lang: str) -> dict:
    """The quotes and the filter options of the evidence browser in ``lang``."""
    vocabulary = tables["vocabulary"]
    kinds, roles = code_labels(vocabulary, "kind", lang), code_labels(vocabulary, "speaker_role", lang)
    codebook = tables["codebook"]
    code_label = dict(zip(codebook["code_id"], localized(codebook, "label", lang)))
    uses = citing_rows(tables, descriptor)
    quotes = []
    for row in tables["evidence"].to_dict("records"):
        row = {k: ("" if pd.isna(v) else v) for k, v in row.items()}
        cited = uses.get(row["evidence_id"], [])
        quotes.append({**row, "kind_label": kinds.get(row["kind"], row["kind"]),
                       "role_label": roles.get(row["speaker_role"], row["speaker_role"]),
                       "dimension": code_label.get(row["dimension_id"], row["dimension_id"]), "uses": cited,
                       "tables": sorted({u["table"] for u in cited}),
                       "conditions": sorted({u["condition"] for u in cited if "condition" in u})})
    options = {
        "study": list(study_labels(tables, lang).items()),
        "table": [(name, name) for name in sorted({t for q in quotes for t in q["tables"]})],
        "condition": [(c, f"{c} · {code_label[c]}") for c in codebook.loc[codebook["scheme"].isin(["condition", "outcome"]), "code_id"]],
        "dimension": sorted({(q["dimension_id"], q["dimension"]) for q in quotes if q["dimension_id"]}),
        "role": [(code, label) for code, label in roles.items() if any(q["speaker_role"] == code for q in quotes)],
        "site": [(s, s) for s in sorted({q["site_zh"] for q in quotes if q["site_zh"]})],
    }
    names = {"study": text(lang, "study", "研究"), "table": text(lang, "cited by table", "引用表"),
             "condition": text(lang, "condition", "条件"), "dimension": text(lang, "dimension", "维度"),
             "role": text(lang, "speaker role", "讲述者身份"), "site": text(lang, "site", "地点")}
    return {"quotes": quotes, "filters": [(key, names[key], options[key]) for key in options],
            "matrix_page": page_name("matrix", lang)}


def write_evidence(report_dir: Path, tables: dict[str, pd.DataFrame], data_dir: Path) -> None:
    descriptor = read_descriptor(data_dir)
    write_page(report_dir, EVIDENCE, "evidence.html", lambda lang: evidence_context(tables, descriptor, lang))
