"""REFI-QDA (QDA-XML 1.0) export: a ``.qdpx`` project and a ``.qdc`` codebook.

ATLAS.ti, NVivo, MAXQDA, QualCoder, Transana and Quirkos read the REFI-QDA standard, so a
researcher can check and extend platgov's coding in their own tool. The project holds the two
coders as users, the code tree (each study's framework dimensions, the cross-study conditions and
the outcome, grouped by scheme), the focal cases with their variables (study, level, domain and
each condition's resolved value), one text source per study with one selection per quote coded
to its dimension or condition, and the coders' rationales and resolutions as notes.

Two variants, built from the same tables:

- *shareable*: each study's source is its quotes, one paragraph each, so nothing ships that is
  not already in ``data/evidence.csv``;
- *full text*: each study's source is its own text (``studies.seed_file``), stored byte for byte
  and with selection offsets in code points over exactly that text; built only where the texts
  are available locally, and never published (they are copyrighted).

Rebuilds are byte-identical: GUIDs are uuid5 of stable names, no date is written, and zip
entries are written in a fixed order with a fixed date.
"""
from __future__ import annotations

import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from .. import __version__
from ..data import fold_whitespace
from ..labels import check_lang, code_labels

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:platgov:refi-qda")  # never change: GUIDs must not move
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date zip can store: no build time in the archive
CODERS = {"A": "coder A", "B": "coder B"}
SHAREABLE, FULL_TEXT = "quotes", "fulltext"


def guid(kind: str, key: str) -> str:
    """The stable GUID of one object (kind: code, case, source, selection, ...)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


@dataclass
class Source:
    """One study's text as stored in the archive, and where each of its quotes stands in it."""

    study_id: str
    content: bytes
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # evidence_id -> [start, end)


def quote_source(study_id: str, evidence: pd.DataFrame) -> Source:
    """The shareable text of a study: each quote as one paragraph, after its evidence id and
    location in brackets; a selection spans the quote alone."""
    parts, spans, position = [], {}, 0
    for row in sorted(records(evidence[evidence["study_id"] == study_id]), key=lambda r: r["evidence_id"]):
        prefix = f"[{row['evidence_id']} · {row['location']}] "
        spans[row["evidence_id"]] = (position + len(prefix), position + len(prefix) + len(row["quote"]))
        parts.append(f"{prefix}{row['quote']}\n\n")
        position += len(parts[-1])
    return Source(study_id, "".join(parts).encode("utf-8"), spans)


def full_text_source(study_id: str, content: bytes, evidence: pd.DataFrame) -> tuple[Source, list[str]]:
    """A study's own text and where its quotes stand in it: found, as ``verify-quotes`` finds
    them, with white space ignored (the first occurrence), and mapped back to code-point offsets
    in the exact text. Returns the source and one sentence per quote not found."""
    text = content.decode("utf-8")
    kept = [match.start() for match in re.finditer(r"\S", text)]  # where each non-space character stands
    folded = "".join(text[i] for i in kept)
    source, missing = Source(study_id, content), []
    for row in sorted(records(evidence[evidence["study_id"] == study_id]), key=lambda r: r["evidence_id"]):
        quote = fold_whitespace(row["quote"])
        at = folded.find(quote) if quote else -1
        if at < 0:
            missing.append(f"evidence {row['evidence_id']} (study {study_id}): quote not found in the source text, "
                           "so the full-text project has no selection for it")
            continue
        source.spans[row["evidence_id"]] = (kept[at], kept[at + len(quote) - 1] + 1)
    return source, missing


class _Xml:
    """Element factory for one namespace."""

    def __init__(self, namespace: str):
        self.ns = namespace

    def root(self, tag: str, **attrs) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns}, **attrs)

    def sub(self, parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{tag}", **attrs)
        if text is not None:
            element.text = text
        return element


def records(frame: pd.DataFrame) -> list[dict]:
    """A table as plain rows, a missing cell as "" (looked up thousands of times: no pandas there)."""
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


def _name(row: dict, stem: str, lang: str) -> str:
    """``<stem>_<lang>``, the other language where it is empty."""
    return row[f"{stem}_{lang}"] or row[f"{stem}_{'zh' if lang == 'en' else 'en'}"]


def _code_description(row: dict) -> str:
    lines = [f"{row['code_id']} · {row['label_en']} / {row['label_zh']}", row["definition_en"]]
    lines += [f"{value}: {row[rule]}" for value, rule in (("1", "rule_1"), ("0", "rule_0"), ("unknown", "rule_unknown"))
              if row[rule]]
    return "\n".join(line for line in lines if line)


def code_tree(xml: _Xml, parent, tables: dict[str, pd.DataFrame], lang: str) -> None:
    """The codebook under ``parent``: one uncodable group per scheme and study (a study's
    framework, the cross-study conditions, the outcome) in the codebook's own order, each
    holding its codes nested by ``parent_id`` and ordered by ``sort_order``."""
    rows = records(tables["codebook"])
    ids = {row["code_id"] for row in rows}
    children: dict[str, list[dict]] = {}
    for row in rows:  # a code whose parent is not a code hangs from its scheme's group
        anchor = row["parent_id"] if row["parent_id"] in ids else f"group:{row['scheme']}:{row['study_id']}"
        children.setdefault(anchor, []).append(row)
    schemes = code_labels(tables["vocabulary"], "scheme", lang)
    codes = xml.sub(parent, "Codes")

    def add(element, anchor: str) -> None:
        for row in sorted(children.get(anchor, []), key=lambda r: (r["sort_order"] == "", r["sort_order"] or 0, r["code_id"])):
            code = xml.sub(element, "Code", guid=guid("code", row["code_id"]), name=_name(row, "label", lang),
                           isCodable="true")
            xml.sub(code, "Description", _code_description(row))
            add(code, row["code_id"])

    for scheme, study in dict.fromkeys((row["scheme"], row["study_id"]) for row in rows):
        name = schemes.get(scheme, scheme) + (f" · {study}" if study else "")
        group = xml.sub(codes, "Code", guid=guid("group", f"{scheme}:{study}"), name=name, isCodable="false")
        add(group, f"group:{scheme}:{study}")


def codebook_xml(tables: dict[str, pd.DataFrame], lang: str = "en") -> bytes:
    """The ``.qdc`` codebook (QDA-XML 1.0 Codebook): the same code tree as the project."""
    xml = _Xml(CODEBOOK_NS)
    root = xml.root("CodeBook", origin=f"platgov {__version__}")
    code_tree(xml, root, tables, check_lang(lang))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass
class _Coding:
    code_id: str
    user: str
    notes: list[str] = field(default_factory=list)


def _codings_and_notes(tables: dict[str, pd.DataFrame], lang: str):
    """Per evidence id the codings of its quote (its dimension, by coder A; each case ×
    condition cell it is cited for, by the coder who cited it) and the notes: coder A's
    rationale and resolution and coder B's rationale of each cell, as (guid, name, text, user).
    Also the notes of cells that cite no quote, which the project as a whole carries."""
    codings: dict[str, dict[tuple[str, str], _Coding]] = {}

    def code(evidence_id: str, code_id: str, user: str, note: str | None = None) -> None:
        coding = codings.setdefault(evidence_id, {}).setdefault((code_id, user), _Coding(code_id, user))
        if note:
            coding.notes.append(note)

    for row in records(tables["evidence"]):
        if row["dimension_id"]:
            code(row["evidence_id"], row["dimension_id"], "A")
    cases = {row["case_id"]: row for row in records(tables["cases"])}
    codes = {row["code_id"]: row for row in records(tables["codebook"])}
    values = code_labels(tables["vocabulary"], "value", lang)
    notes, loose = [], []
    for cell in sorted(records(tables["case_conditions"]), key=lambda c: (c["case_id"], c["condition_id"])):
        title = f"{_name(cases[cell['case_id']], 'name', lang)} · {_name(codes[cell['condition_id']], 'label', lang)}"
        said_a = "\n".join(part for part in (
            f"{cell['condition_id']} = {cell['value']} (coder A: {cell['coder_a']}, coder B: {cell['coder_b']})",
            cell["rationale_en"] and f"Rationale: {cell['rationale_en']}",
            cell["resolution_note"] and f"Resolution: {cell['resolution_note']}") if part)
        said_b = f"{cell['condition_id']} = {cell['coder_b']} (coder B)\nRationale: {cell['coder_b_rationale_en']}"
        for user, evidence_id, text, wanted in (
                ("A", cell["evidence_id"], said_a, cell["rationale_en"] or cell["resolution_note"]),
                ("B", cell["coder_b_evidence_id"], said_b, cell["coder_b_rationale_en"])):
            note = guid("note", f"{cell['case_id']}:{cell['condition_id']}:{user}") if wanted else None
            if note:
                value = cell["value"] if user == "A" else cell["coder_b"]
                notes.append((note, f"{title}: {values.get(value, value)} ({CODERS[user]})", text, user))
            if evidence_id:
                code(evidence_id, cell["condition_id"], user, note)
            elif note:
                loose.append(note)
    return codings, notes, loose


def _cases(xml: _Xml, root, tables: dict[str, pd.DataFrame], lang: str, source_of: dict[str, str],
           selected: set[str]) -> None:
    """Variables (study, level, domain, each condition) and the focal cases with their values,
    their study's source and the selections that speak to them (their own, their outcome's and
    their condition cells' quotes)."""
    cells = records(tables["case_conditions"])
    conditions = list(dict.fromkeys(cell["condition_id"] for cell in cells))
    codes = {row["code_id"]: row for row in records(tables["codebook"])}
    vocabulary = tables["vocabulary"]
    fields = {"study": None, "level": "admin_level", "domain": "domain", **{c: "value" for c in conditions}}
    labels = {name: code_labels(vocabulary, vocab, lang) if vocab else {} for name, vocab in fields.items()}
    declared = xml.sub(root, "Variables")
    for name in fields:
        variable = xml.sub(declared, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text")
        if name in codes:
            xml.sub(variable, "Description", _name(codes[name], "label", lang))
    focal = sorted((row for row in records(tables["cases"]) if row["role"] == "focal"), key=lambda r: r["case_id"])
    if not focal:
        return
    element_cases = xml.sub(root, "Cases")
    for case in focal:
        own = [cell for cell in cells if cell["case_id"] == case["case_id"]]
        element = xml.sub(element_cases, "Case", guid=guid("case", case["case_id"]), name=_name(case, "name", lang))
        xml.sub(element, "Description", " · ".join(v for v in (case["case_id"], case["place_zh"], case["study_id"]) if v))
        given = {"study": case["study_id"], "level": case["admin_level"], "domain": case["domain"],
                 **{cell["condition_id"]: cell["value"] for cell in own}}
        for name in fields:
            if given.get(name):
                value = xml.sub(element, "VariableValue")
                xml.sub(value, "VariableRef", targetGUID=guid("variable", name))
                xml.sub(value, "TextValue", labels[name].get(given[name], given[name]))
        if case["study_id"] in source_of:
            xml.sub(element, "SourceRef", targetGUID=source_of[case["study_id"]])
        quotes = {case["evidence_id"], case["outcome_evidence_id"]}
        quotes |= {cell[key] for cell in own for key in ("evidence_id", "coder_b_evidence_id")}
        for evidence_id in sorted(quotes & selected):
            xml.sub(element, "SelectionRef", targetGUID=guid("selection", evidence_id))


def project_xml(tables: dict[str, pd.DataFrame], sources: list[Source], variant: str, lang: str = "en") -> bytes:
    """``project.qde`` (QDA-XML 1.0 Project) for the given sources."""
    check_lang(lang)
    xml = _Xml(PROJECT_NS)
    root = xml.root("Project", name=f"platgov ({variant})", origin=f"platgov {__version__}",
                    creatingUserGUID=guid("user", "A"))
    users = xml.sub(root, "Users")
    for key, name in CODERS.items():
        xml.sub(users, "User", guid=guid("user", key), name=name, id=key)
    code_tree(xml, xml.sub(root, "CodeBook"), tables, lang)
    source_of = {source.study_id: guid("source", f"{variant}:{source.study_id}") for source in sources}
    selected = {evidence_id for source in sources for evidence_id in source.spans}
    _cases(xml, root, tables, lang, source_of, selected)

    codings, notes, loose = _codings_and_notes(tables, lang)
    evidence = {row["evidence_id"]: row for row in records(tables["evidence"])}
    studies = {row["study_id"]: row for row in records(tables["studies"])}
    declared = xml.sub(root, "Sources")
    for source in sources:
        study = studies[source.study_id]
        element = xml.sub(declared, "TextSource", guid=source_of[source.study_id],
                          name=f"{source.study_id} · {study['title_zh']}",
                          plainTextPath=f"internal://{source_of[source.study_id]}.txt")
        holds = "its quotes, one paragraph each" if variant == SHAREABLE else f"its full text ({study['seed_file']})"
        xml.sub(element, "Description", f"{study['authors_zh']} ({study['year']}). {study['title_zh']}. "
                f"{study['title_en']}. This source holds {holds}.")
        for evidence_id, (start, end) in sorted(source.spans.items()):
            row = evidence[evidence_id]
            selection = xml.sub(element, "PlainTextSelection", guid=guid("selection", evidence_id), name=evidence_id,
                                startPosition=str(start), endPosition=str(end), creatingUser=guid("user", "A"))
            xml.sub(selection, "Description", " · ".join(v for v in (row["location"], row["kind"], row["note"]) if v))
            for coding in codings.get(evidence_id, {}).values():
                key = f"{evidence_id}:{coding.code_id}:{coding.user}"
                coded = xml.sub(selection, "Coding", guid=guid("coding", key), creatingUser=guid("user", coding.user))
                xml.sub(coded, "CodeRef", targetGUID=guid("code", coding.code_id))
                for note in coding.notes:
                    xml.sub(coded, "NoteRef", targetGUID=note)
    if notes:
        declared_notes = xml.sub(root, "Notes")
        for note, name, text, user in notes:
            element = xml.sub(declared_notes, "Note", guid=note, name=name, creatingUser=guid("user", user))
            xml.sub(element, "PlainTextContent", text)
    kind = "quotes only, shareable" if variant == SHAREABLE else "full texts, not for sharing"
    xml.sub(root, "Description", f"platgov: the coded quotes of the studies of government digital platforms in China "
            f"in data/ ({kind}).")
    # notes whose quote has no selection here belong to the project as a whole
    loose += [note for evidence_id, by_code in codings.items() if evidence_id not in selected
              for coding in by_code.values() for note in coding.notes]
    for note in sorted(set(loose)):
        xml.sub(root, "NoteRef", targetGUID=note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _zip_entry(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
    archive.writestr(info, content, compresslevel=9)


def write_qdpx(path: Path, tables: dict[str, pd.DataFrame], sources: list[Source], variant: str,
               lang: str = "en") -> Path:
    """The ``.qdpx`` archive: ``project.qde``, then each source's text under ``Sources/``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        _zip_entry(archive, "project.qde", project_xml(tables, sources, variant, lang))
        for source in sources:
            _zip_entry(archive, f"Sources/{guid('source', f'{variant}:{source.study_id}')}.txt", source.content)
    return path


def export(out_dir: Path, tables: dict[str, pd.DataFrame], lang: str = "en", sources_dir: Path | None = None,
           fulltext_dir: Path | None = None) -> tuple[list[Path], list[str]]:
    """Write the codebook and the shareable project into ``out_dir`` and, when every study's
    text is in ``sources_dir``, the full-text project into ``fulltext_dir`` (default
    ``out_dir``). Returns the files written and one sentence per quote the full text lacks."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codebook = out_dir / f"platgov-codebook-{lang}.qdc"
    codebook.write_bytes(codebook_xml(tables, lang))
    studies = tables["studies"].sort_values("study_id")
    shareable = [quote_source(s, tables["evidence"]) for s in studies["study_id"]]
    paths = [codebook, write_qdpx(out_dir / f"platgov-quotes-{lang}.qdpx", tables, shareable, SHAREABLE, lang)]
    texts = {row.study_id: Path(sources_dir) / row.seed_file for row in studies.itertuples(index=False)} \
        if sources_dir else {}
    if not texts or not all(path.is_file() for path in texts.values()):
        return paths, []
    full, problems = [], []
    for study_id, path in texts.items():
        source, missing = full_text_source(study_id, path.read_bytes(), tables["evidence"])
        full.append(source)
        problems += missing
    target = Path(fulltext_dir or out_dir) / f"platgov-fulltext-{lang}.qdpx"
    paths.append(write_qdpx(target, tables, full, FULL_TEXT, lang))
    return paths, problems
