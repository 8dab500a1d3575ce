"""The bundled font embedded in SVG figures and the report: the subset covers exactly the text
shown, Chinese included, and the bytes depend only on the characters."""
import base64
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

from platgov_analysis import figures, fonts  # noqa: E402


def embedded_faces(svg: str) -> dict[str, set[int]]:
    """Family -> code points of the fonts an SVG carries in data URIs."""
    faces = {}
    for family, data in re.findall(r"@font-face\{font-family:'([^']+)';[^}]*base64,([A-Za-z0-9+/=]+)\)", svg):
        with TTFont(io.BytesIO(base64.b64decode(data))) as font:
            faces[family] = set(font.getBestCmap())
    return faces


def test_svg_text_is_text_with_its_font_embedded(tmp_path):
    figures.set_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("城市大脑 ties ≥ 2")
    ax.set_xlabel("年份")
    svg_path, _ = figures.save_figure(fig, tmp_path, "fig", "来源:测试。")
    svg = svg_path.read_text(encoding="utf-8")
    assert "城市大脑 ties" in svg and "<path id=\"NotoSansSC" not in svg  # text, not glyph outlines
    shown = {ord(c) for c in fonts.svg_text(svg)} - {ord(" "), ord("\n")}
    faces = embedded_faces(svg)
    assert set(faces) == {fonts.FAMILY}
    assert {ord(c) for c in "城市大脑年份来源测试≥"} <= faces[fonts.FAMILY]
    assert shown <= faces[fonts.FAMILY]
    # a subset, not the whole font: a character the figure does not show is not carried
    assert ord("鬱") not in faces[fonts.FAMILY]
    assert len(svg) < 60_000


def test_subset_depends_only_on_the_characters():
    with TTFont(fonts.font_files()[fonts.FAMILY], lazy=True) as full, \
            TTFont(io.BytesIO(fonts.subset_font(fonts.FAMILY, "平台"))) as cut:
        assert cut["head"].modified == full["head"].modified  # not the time of subsetting
    assert fonts.subset_font(fonts.FAMILY, "平台ab") == fonts.subset_font(fonts.FAMILY, "平台ab")
    assert fonts.subset_font(fonts.FAMILY, "平台ab") != fonts.subset_font(fonts.FAMILY, "平台abc")


def test_split_by_font_prefers_the_cjk_font():
    assert fonts.split_by_font("平 a⟶平") == {fonts.FAMILY: "a平", fonts.FALLBACK: "⟶"}


def test_licence_travels_with_the_font():
    assert "SIL Open Font License" in fonts.licence_text()


def test_subset_carries_the_characters_asked_for_and_no_layout_tables():
    with TTFont(io.BytesIO(fonts.subset_font(fonts.FAMILY, "数据平台"))) as cut:
        assert cut.flavor == "woff"
        assert set(cut.getBestCmap()) == {ord(c) for c in "数据平台"}
        # matplotlib placed every glyph without OpenType layout; the browser must not shift them
        assert not {"GSUB", "GPOS", "GDEF", "vmtx"} & set(cut.keys())


def test_coverage_is_the_fonts_cmap():
    """HarfBuzz's view of which characters a font has is fontTools' best cmap, for both fonts."""
    for family, path in fonts.font_files().items():
        with TTFont(path, lazy=True) as font:
            assert fonts._coverage(family) == frozenset(font.getBestCmap()), family


def test_report_font_covers_characters_written_as_entities(tmp_path):
    """nbconvert writes some characters as references (``&#30340;`` for 的): the report's font
    is cut to what the pages show, so it carries them as well as the literal ones."""
    from platgov_analysis.report.pages import ASSETS, copy_assets

    (tmp_path / "page.html").write_text("<p>平台&#30340;&nbsp;&#x6570;</p>", encoding="utf-8")
    copy_assets(tmp_path)
    with TTFont(tmp_path / ASSETS / fonts.WEB_FONT) as cut:
        assert {ord(c) for c in "平台的数\u00a0"} <= set(cut.getBestCmap())
