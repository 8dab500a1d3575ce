"""The five studies and the works they cite as BibTeX, RIS and CSL-JSON, for reference managers.

``references.csv`` keeps authors, title and venue as printed, so this module reads structure
out of them: author lists in the forms the studies print (``宋锴业、徐雅倩``, ``Hunt R. A.,
Townsend D. M., et al.``, ``Kilelu, C. W., L. Klerkx, and C. Leeuwis``; a name it cannot split
stays one literal name, ``(未署名)`` means unsigned), and the kind of work from the venue's form,
since the table records none (see :func:`work_type`). Nothing is added that the tables do not
say: no DOI, page or issue is looked up.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import rispy
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
INITIALS = r"(?:[A-Z](?:\.|(?=\s|$))\s*)+"  # 'R. A.', 'K M', 'C. W': capitals each with a dot or alone
ET_AL = {"et al.", "et al", "等", "others"}
STUDY_KEYWORD = "platgov source study"
PLACE_PUBLISHER = re.compile(r"([^:：]{2,30})[:：]\s*(\S.*)")  # '北京:东方出版社'
# CSL type of a work -> (BibTeX entry type, RIS type)
TYPES = {"article-journal": ("article", "JOUR"), "article-newspaper": ("article", "NEWS"), "book": ("book", "BOOK"),
         "report": ("misc", "RPRT"), "webpage": ("misc", "ELEC")}


def work_type(venue: str) -> str:
    """The kind of work, read from how its venue is printed: a URL is a web page; a publisher
    (出版社, 出版集团, 书店, Press, or 'place: publisher') a book; a 报告 / report a report; a
    newspaper (ending in 报 but not 学报) a newspaper article; anything else a journal article."""
    if re.match(r"https?://", venue):
        return "webpage"
    if re.search(r"出版社|出版集[团團]|[书書]店|Press|Publish", venue) or PLACE_PUBLISHER.fullmatch(venue):
        return "book"
    if re.search(r"报告|報告|[Rr]eport", venue):
        return "report"
    if re.search(r"(?<![学學])[报報]$", venue):
        return "article-newspaper"
    return "article-journal"


def split_publisher(venue: str) -> tuple[str, str]:
    """'北京:东方出版社' -> ('东方出版社', '北京'); a publisher printed without a place -> (it, '')."""
    match = PLACE_PUBLISHER.fullmatch(venue)
    return (match[2].strip(), match[1].strip()) if match else (venue, "")


def split_authors(printed: str) -> tuple[list[dict], bool]:
    """Authors as CSL names ({family, given} or {literal}) and whether the list ends 'et al.'."""
    printed = (printed or "").strip()
    if not printed or re.fullmatch(r"[(（].*[)）]", printed):  # '(未署名)': unsigned
        return [], False
    if CJK.search(printed):
        parts = [p.strip() for p in re.split(r"[、,，;；]", printed) if p.strip()]
        names = [p for p in parts if p not in ET_AL]
        return [{"literal": name} for name in names], len(names) < len(parts)
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", printed) if p.strip()]
    names, et_al = [], False
    for part in parts:
        if part in ET_AL:
            et_al = True
        elif re.fullmatch(INITIALS, part) and names and set(names[-1]) == {"family"}:
            names[-1]["given"] = part.strip()  # 'Kilelu, C. W.': the initials of the bare surname before
        elif match := re.fullmatch(rf"({INITIALS})\s*(\S.*)", part):
            names.append({"family": match[2], "given": match[1].strip()})  # 'L. Klerkx'
        elif match := re.fullmatch(rf"(\S+)\s+({INITIALS})", part):
            names.append({"family": match[1], "given": match[2].strip()})  # 'Hunt R. A.'
        elif " " not in part:
            names.append({"family": part})
        else:
            names.append({"literal": part})
    return names, et_al


def _issue(volume_issue: str) -> str:
    """'2022年6期' -> '6', '2021(08)' -> '8'; anything else as stated."""
    match = re.search(r"(\d+)\s*[期)）]\s*$", volume_issue)
    return str(int(match[1])) if match else volume_issue


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def works(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Studies first, then the works they cite, as CSL-JSON items (the common model of the
    three formats). References carry 'cited by <study>' keywords."""
    items = []
    for row in tables["studies"].itertuples(index=False):
        authors, et_al = split_authors(row.authors_zh)
        source = "as printed" if row.title_en_source == "study" else "platgov translation"
        notes = [f"English title ({source}): {row.title_en}"] if _text(row.title_en) else []
        notes += [f"文章编号 {row.article_no}"] if _text(row.article_no) else []
        items.append({"id": row.study_id, "type": "article-journal", "title": row.title_zh, "author": authors,
                      "issued": {"date-parts": [[int(row.year)]]} if _text(row.year) else None,
                      "container-title": _text(row.venue_zh), "issue": _issue(_text(row.volume_issue)),
                      "page": _text(row.pages), "DOI": _text(row.doi), "language": "zh",
                      "keyword": STUDY_KEYWORD, "note": "; ".join(notes), "_et_al": et_al})
    cited_by = tables["citations"].groupby("reference_id")["study_id"].apply(lambda s: sorted(set(s)))
    for row in tables["references"].sort_values("reference_id").itertuples(index=False):
        authors, et_al = split_authors(row.authors)
        venue, kind = _text(row.venue), work_type(_text(row.venue))
        item = {"id": row.reference_id, "type": kind, "title": row.title, "author": authors,
                "issued": {"date-parts": [[int(row.year)]]} if _text(row.year) else None,
                "language": _text(row.language),
                "keyword": ", ".join(f"cited by {s}" for s in cited_by.get(row.reference_id, [])), "_et_al": et_al}
        if kind == "webpage":
            item["URL"] = venue.replace(" ", "%20")
        elif kind == "book":
            item["publisher"], item["publisher-place"] = split_publisher(venue)
        elif kind == "report":
            item["genre"] = venue
        else:
            item["container-title"] = venue
        items.append(item)
    return [{k: v for k, v in item.items() if v not in ("", None, [])} for item in items]


def to_csl_json(items: list[dict]) -> str:
    """CSL-JSON (what Zotero, Mendeley and pandoc read); 'et al.' has no CSL field and is dropped."""
    plain = [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]
    return json.dumps(plain, ensure_ascii=False, indent=2) + "\n"


class _BibTeXWriter(Writer):
    """pybtex's writer, but url and doi stay verbatim: LaTeX-escaping them breaks the links."""

    def _write_field(self, stream, type, value):
        if type in ("url", "doi"):
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)


def _person(name: dict) -> Person:
    if "literal" in name:
        return Person(last="{" + name["literal"] + "}")  # braces: one name, never split by BibTeX
    return Person(last=name["family"], first=name.get("given", ""))


def to_bibtex(items: list[dict]) -> str:
    """BibTeX (UTF-8; biber/biblatex read it as is); an 'et al.' list ends 'and others'."""
    entries = {}
    for item in items:
        entry_type = TYPES[item["type"]][0]
        fields = {"title": item["title"], "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else None,
                  "journal" if entry_type == "article" else "howpublished": item.get("container-title")
                  or item.get("genre"), "number": item.get("issue"), "pages": item.get("page"),
                  "publisher": item.get("publisher"), "address": item.get("publisher-place"), "url": item.get("URL"),
                  "doi": item.get("DOI"), "language": item.get("language"), "keywords": item.get("keyword"),
                  "note": item.get("note")}
        if item["type"] == "article-newspaper":
            fields["entrysubtype"] = "newspaper"
        authors = [_person(name) for name in item.get("author", [])] + ([Person("others")] if item.get("_et_al") else [])
        entries[item["id"]] = Entry(entry_type, fields={k: v for k, v in fields.items() if v},
                                    persons={"author": authors} if authors else {})
    return _BibTeXWriter().to_string(BibliographyData(entries))


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its '1.', '2.' counter lines, which are not RIS tags."""

    def set_header(self, count):
        return ""


def _ris_name(name: dict) -> str:
    return name.get("literal") or ", ".join(part for part in (name["family"], name.get("given", "")) if part)


def to_ris(items: list[dict]) -> str:
    """RIS (EndNote, Zotero, Citavi, NoteExpress)."""
    records = []
    for item in items:
        pages = item.get("page", "").split("-", 1)
        record = {"type_of_reference": TYPES[item["type"]][1], "id": item["id"], "title": item["title"],
                  "authors": [_ris_name(name) for name in item.get("author", [])],
                  "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else "",
                  "secondary_title": item.get("container-title") or item.get("genre", ""), "number": item.get("issue", ""),
                  "start_page": pages[0], "end_page": pages[1] if len(pages) > 1 else "",
                  "publisher": item.get("publisher", ""), "place_published": item.get("publisher-place", ""),
                  "urls": [item["URL"]] if "URL" in item else [], "doi": item.get("DOI", ""),
                  "language": item.get("language", ""), "keywords": item.get("keyword", "").split(", "),
                  "notes": [item["note"]] if "note" in item else []}
        records.append({k: v for k, v in record.items() if v and v != [""]})
    return rispy.dumps(records, implementation=_RisWriter)


def export(out_dir: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write ``platgov-bibliography.bib``, ``.ris`` and ``.json`` (CSL-JSON) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = works(tables)
    paths = []
    for suffix, render in ((".bib", to_bibtex), (".ris", to_ris), (".json", to_csl_json)):
        path = out_dir / f"platgov-bibliography{suffix}"
        path.write_text(render(items), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
