"""The bundled CJK font (Noto Sans SC, SIL Open Font License): registered for matplotlib, and
embedded, cut down to the characters used, in every SVG figure and the report's pages.

Embedding a subset instead of drawing each glyph as a path keeps the figures' text as text
(searchable, selectable, translatable) and the files small, and Chinese still renders on a
machine without any CJK font: an SVG shown as an image may use fonts carried in a ``data:``
URI. The subset is a pure function of the characters, so figure files stay byte-identical.
HarfBuzz cuts it (a few milliseconds, where fontTools' subsetter takes a quarter of a second
parsing the whole CJK font each time); fontTools wraps the small result as WOFF.
"""
from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pylopdf_fonts_zh_cn import sans_path

FAMILY = "Noto Sans SC"
FALLBACK = "DejaVu Sans"  # matplotlib's own font, for the few symbols Noto Sans SC lacks
WEB_FONT = "NotoSansSC-Regular.woff"
_SVG_NS = "{http://www.w3.org/2000/svg}"
_STYLE = '<style type="text/css">'  # matplotlib writes one style sheet into every SVG
# No layout tables: matplotlib lays text out without OpenType kerning, so the browser should too.
# No hints (screens do without) and no subroutines: smaller once compressed.
_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG")
_SUBSET_FLAGS = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE


def use_cjk_font() -> str:
    """Register the bundled Noto Sans SC and make it the first sans-serif font.

    Call it after any seaborn style: styles reset ``font.sans-serif``. networkx draws node
    labels with the ``sans-serif`` family, so this one setting covers titles, seaborn labels
    and network labels alike. Returns the font's family name.
    """
    import matplotlib  # here, like in font_files: the report's pages use the font without matplotlib
    from matplotlib import font_manager

    path = str(sans_path())
    font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, FALLBACK]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font lacks U+2212
    return family


def licence_text() -> str:
    """The font's licence (SIL OFL 1.1), which travels with every copy of the font."""
    return metadata.distribution("pylopdf-fonts-zh-cn").read_text("licenses/LICENSE")


def font_files() -> dict[str, Path]:
    """Family name -> font file, in the order text falls back through them."""
    import matplotlib

    return {FAMILY: Path(sans_path()), FALLBACK: Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"}


@lru_cache(maxsize=None)
def _face(family: str) -> hb.Face:
    """The family's font, read once per process (HarfBuzz maps the file and parses lazily)."""
    return hb.Face(hb.Blob.from_file_path(font_files()[family]))


@lru_cache(maxsize=None)
def _coverage(family: str) -> frozenset[int]:
    """The code points a family's font has glyphs for (HarfBuzz reads the cmap in a fraction of
    a millisecond; fontTools' ``getBestCmap`` took 60 ms for the CJK font, in every run)."""
    return frozenset(_face(family).unicodes)


def subset_font(family: str, characters: str) -> bytes:
    """``family``'s font cut down to ``characters``, as WOFF (zlib; browsers read it natively)."""
    wanted = hb.SubsetInput()
    for char in characters:
        wanted.unicode_set.add(ord(char))
    wanted.flags = _SUBSET_FLAGS
    dropped = wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    cut = hb.subset(_face(family), wanted)
    if cut is None:
        raise ValueError(f"HarfBuzz could not subset {family} to {characters!r}")
    # the font's own date, not today's, and its own bounding box: the same characters give the same bytes
    with TTFont(io.BytesIO(cut.blob.data), recalcTimestamp=False, recalcBBoxes=False) as font:
        out = io.BytesIO()
        font.flavor = "woff"
        font.save(out)
    return out.getvalue()


def split_by_font(characters: str) -> dict[str, str]:
    """Family -> the characters (sorted, unique) it renders: the first family that has a glyph;
    characters no family has are left to the reader's fonts, as matplotlib's own fallback would."""
    chosen: dict[str, set[str]] = {}
    for char in set(characters) - set(" \n\t"):
        family = next((f for f in font_files() if ord(char) in _coverage(f)), None)
        if family:
            chosen.setdefault(family, set()).add(char)
    return {family: "".join(sorted(chars)) for family, chars in chosen.items()}


def font_face(family: str, characters: str) -> str:
    """A CSS ``@font-face`` rule carrying ``family`` cut down to ``characters`` as a data URI.
    One face serves every weight: matplotlib drew bold with the regular face too (the bundle has
    no bold), so the browser must not widen it with synthetic bold."""
    data = base64.b64encode(subset_font(family, characters)).decode("ascii")
    return (f"@font-face{{font-family:'{family}';font-weight:100 900;"
            f"src:url(data:font/woff;base64,{data}) format('woff')}}")


def svg_text(svg: str) -> str:
    """All the characters the text elements of an SVG show."""
    root = ET.fromstring(svg)
    return "".join("".join(el.itertext()) for el in root.iter(f"{_SVG_NS}text"))


def embed_fonts(svg: str) -> str:
    """The SVG with the fonts of its text, subset to its characters, in its style sheet."""
    faces = "".join(font_face(family, chars) for family, chars in split_by_font(svg_text(svg)).items())
    if not faces:
        return svg
    if _STYLE not in svg:
        raise ValueError("an SVG without a style sheet to put its fonts in")
    return svg.replace(_STYLE, _STYLE + faces, 1)
