"""Bibliography exports round-tripped: BibTeX through pybtex's parser, RIS through rispy's reader,
CSL-JSON through citeproc-py (which renders every item); plus the author and work-type readings
of the printed references."""
import json

import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_file
from pybtex.richtext import Text

from platgov_analysis.data import load_tables
from platgov_analysis.exports import bibliography as bib


@pytest.fixture(scope="module")
def tables():
    return load_tables(check=False)


@pytest.fixture(scope="module")
def written(tables, tmp_path_factory):
    return dict(zip(("bib", "ris", "json"), bib.export(tmp_path_factory.mktemp("bib"), tables)))


def expected_ids(tables):
    return list(tables["studies"]["study_id"]) + sorted(tables["references"]["reference_id"])


@pytest.mark.parametrize("printed, names, et_al", [
    ("宋锴业、徐雅倩", [{"literal": "宋锴业"}, {"literal": "徐雅倩"}], False),
    ("陈天祥,黄扬,张志,等", [{"literal": "陈天祥"}, {"literal": "黄扬"}, {"literal": "张志"}], True),
    ("Hunt R. A., Townsend D. M., et al.", [{"family": "Hunt", "given": "R. A."},
                                             {"family": "Townsend", "given": "D. M."}], True),
    ("Kilelu, C. W., L. Klerkx, and C. Leeuwis", [{"family": "Kilelu", "given": "C. W."},
                                                  {"family": "Klerkx", "given": "L."},
                                                  {"family": "Leeuwis", "given": "C."}], False),
    ("Baldwin, C. Y. and K. B. Clark", [{"family": "Baldwin", "given": "C. Y."}, {"family": "Clark", "given": "K. B."}],
     False),
    ("Gong Y, Yang J", [{"family": "Gong", "given": "Y"}, {"family": "Yang", "given": "J"}], False),
    ("Mergel, I.", [{"family": "Mergel", "given": "I."}], False),
    ("(未署名)", [], False),
    ("Consumer Citizen Network", [{"literal": "Consumer Citizen Network"}], False),
])
def test_authors_are_read_from_the_printed_forms(printed, names, et_al):
    assert bib.split_authors(printed) == (names, et_al)


@pytest.mark.parametrize("venue, kind", [
    ("管理世界", "article-journal"), ("江苏行政学院学报", "article-journal"), ("浙江日報", "article-newspaper"),
    ("上海譯文出版社", "book"), ("北京:东方出版社", "book"), ("Hamar, Norway: Consumer Citizen Network", "book"),
    ("政府内部报告", "report"), ("https://www.gov.cn/x.htm", "webpage"), ("Public Administration Review", "article-journal"),
])
def test_work_type_is_read_from_the_venue(venue, kind):
    assert bib.work_type(venue) == kind


def test_bibtex_round_trips(written, tables):
    parsed = parse_file(str(written["bib"]), "bibtex")
    assert list(parsed.entries) == expected_ids(tables)
    items = {item["id"]: item for item in bib.works(tables)}
    for key, entry in parsed.entries.items():
        item = items[key]
        assert Text.from_latex(entry.fields["title"]).render_as("text") == item["title"]
        people = [str(p).strip("{}") for p in entry.persons.get("author", [])]
        expected = [n.get("literal") or ", ".join(filter(None, (n["family"], n.get("given")))) for n in item.get("author", [])]
        assert people == expected + (["others"] if item["_et_al"] else []), key
        for field, source in (("doi", "DOI"), ("url", "URL")):
            assert entry.fields.get(field) == item.get(source)  # verbatim, not LaTeX-escaped
    song = tables["studies"].set_index("study_id").loc["song2026"]
    assert parsed.entries["song2026"].fields["doi"] == song["doi"]
    assert "doi" not in parsed.entries["wu2022"].fields  # no DOI is invented


def test_ris_round_trips(written, tables):
    records = rispy.load(written["ris"], encoding="utf-8")
    assert [r["id"] for r in records] == expected_ids(tables)
    items = {item["id"]: item for item in bib.works(tables)}
    for record in records:
        item = items[record["id"]]
        assert record["title"] == item["title"]
        assert len(record.get("authors", [])) == len(item.get("author", []))
        assert record["type_of_reference"] == bib.TYPES[item["type"]][1]
    assert "1." not in written["ris"].read_text(encoding="utf-8").splitlines()


def test_csl_json_is_read_and_rendered_by_citeproc(written, tables):
    items = json.loads(written["json"].read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == expected_ids(tables)
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(i["id"]) for i in items]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    for item in items:
        assert any(item["title"] in line for line in rendered), item["id"]
    assert any("10.19836/j.cnki.37-1100/c.2026.03.008" in line for line in rendered)


def test_references_say_which_studies_cite_them(tables):
    items = {item["id"]: item for item in bib.works(tables)}
    for row in tables["citations"].itertuples(index=False):
        assert f"cited by {row.study_id}" in items[row.reference_id]["keyword"]
    assert all(items[s]["keyword"] == bib.STUDY_KEYWORD for s in tables["studies"]["study_id"])
