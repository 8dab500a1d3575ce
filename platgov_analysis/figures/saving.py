"""Saving figures and tables: SVG and PNG byte-identical across runs (fixed ``svg.hashsalt``,
no dates or software versions in metadata), the caption drawn in and recorded in the folder's
``figures.json``, each figure laid out and measured once for both files, and its finished files
kept by what it draws (``memo``), so a rerun whose figure came out as before only copies them."""
from __future__ import annotations

import io
import json
import os
import textwrap
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.transforms import Bbox
from PIL import Image
from scour import scour

from ..data import folder_digest
from ..fonts import embed_fonts
from ..memo import remembered

MANIFEST = "figures.json"
_RENDERING_LIBRARIES = ("matplotlib", "seaborn", "networkx", "adjustText", "numpy", "pandas", "pillow", "scour",
                        "uharfbuzz", "fonttools", "pylopdf-fonts-zh-cn")


def save_figure(fig, out_dir: Path | str, name: str, caption_text: str) -> list[Path]:
    """Write ``name``.svg and ``name``.png with the caption under the figure; record it.

    The caption is drawn into the figure (so it travels with the file) and stored in
    ``figures.json`` of the output folder, which the HTML report reads.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wrapped = "\n".join(textwrap.wrap(caption_text, width=110))
    paths = [out_dir / f"{name}.svg", out_dir / f"{name}.png"]
    with _measured_once(fig):
        # below everything already drawn (tick labels and axis titles reach under the axes)
        drawn = fig.get_tightbbox()
        note = fig.text(drawn.x0 / fig.get_figwidth(), (drawn.y0 - 0.08) / fig.get_figheight(), wrapped, ha="left",
                        va="top", fontsize=7, color="#444444")
        # the tight box measured once, for both files: "tight" would draw the figure twice per file
        box = Bbox.union([drawn, note.get_window_extent().transformed(fig.dpi_scale_trans.inverted())])
        box = box.padded(plt.rcParams["savefig.pad_inches"])
        svg = _drawn_svg(fig, box)
        # the files follow from what is drawn (the SVG before finishing) and how it is rendered:
        # a figure that came out the same as in an earlier build is not finished or rasterised again
        key = (svg, box.bounds, fig.dpi, _rendering())
        paths[0].write_bytes(remembered("figure-svg", key, lambda: _finish_svg(svg).encode("utf-8")))
        paths[1].write_bytes(remembered("figure-png", key, lambda: _png(fig, box)))
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    manifest[name] = {"caption": caption_text, "files": [p.name for p in paths]}
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    _show_saved(fig, paths[1], caption_text)
    return paths


class _TextExtentsKept(RendererAgg):
    """Agg's renderer, with the extents of its text kept across renderers of the same dpi.

    matplotlib measures text per renderer, and the PNG's renderer (cropped to the tight box) is a
    new one: every label was measured again, a third of a millisecond each for the CJK font,
    though the extent depends on the text, font, dpi and hinting alone, never on the size of
    the canvas."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX read more settings than the key below holds: measured each time
            return super().get_text_width_height_descent(s, prop, ismath)
        # a copy: FontProperties is mutable and hashes by its current state (as matplotlib's cache does)
        return _text_extent(s, prop.copy(), self.dpi, plt.rcParams["text.hinting"])


@lru_cache(maxsize=16384)
def _text_extent(s, prop, dpi: float, hinting: str) -> tuple[float, float, float]:
    return RendererAgg.get_text_width_height_descent(_measuring_renderer(dpi), s, prop, False)


@lru_cache(maxsize=8)
def _measuring_renderer(dpi: float) -> RendererAgg:
    return RendererAgg(1, 1, dpi)


class _Canvas(FigureCanvasAgg):
    """An Agg canvas whose renderers keep text extents (see :class:`_TextExtentsKept`)."""

    def get_renderer(self):
        key = (*self.get_width_height(physical=True), self.figure.dpi)
        if self._lastKey != key:  # as FigureCanvasAgg's: a new renderer when size or dpi change
            self.renderer, self._lastKey = _TextExtentsKept(*key), key
        return self.renderer


@contextmanager
def _measured_once(fig):
    """Measure and draw ``fig`` on a :class:`_Canvas`, then give the figure its canvas back."""
    own = fig.canvas
    _Canvas(fig)
    try:
        yield
    finally:
        fig.set_canvas(own)


def _drawn_svg(fig, box: Bbox) -> str:
    """The figure as matplotlib writes it as SVG, cropped to ``box``, with no date or creator."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None})
    return buffer.getvalue().decode("utf-8")


def _rendering() -> tuple:
    """What shapes the files besides what is drawn: every rc setting (some reach Agg alone), the
    package's code (an antialiasing flag a plot sets shows in the PNG, not in the SVG) and the
    versions of the libraries that draw, subset fonts and compress, the fonts among them."""
    return sorted((name, repr(value)) for name, value in plt.rcParams.items()), _code_and_versions()


@lru_cache(maxsize=1)
def _code_and_versions() -> tuple:
    return folder_digest(Path(__file__).resolve().parents[1], "*.py"), [
        (name, metadata.version(name)) for name in _RENDERING_LIBRARIES]


def _finish_svg(svg: str) -> str:
    """Embed the text's fonts, then let scour drop comments and metadata and round coordinates
    to five significant digits (a hundredth of a point on a page-sized figure): a third smaller."""
    options = scour.sanitizeOptions()
    for name, value in {"digits": 5, "remove_metadata": True, "strip_comments": True, "enable_id_stripping": True,
                        "shorten_ids": True, "newlines": False, "indent_type": "none"}.items():
        setattr(options, name, value)
    return scour.scourString(embed_fonts(svg), options)


def _png(fig, box: Bbox) -> bytes:
    """The PNG with a palette of at most 256 colours: a chart has few, and the file (which the
    executed notebook embeds too) is about a third of the full-colour one.

    Agg's pixels are taken as they are drawn (no PNG written and read back); the palette is
    median cut, which keeps white white (Pillow's fast octree greys it); zlib at its default
    level, as level 9 costs six times the time for 6% of the bytes."""
    size = []
    listener = fig.canvas.mpl_connect("draw_event", lambda event: size.append((event.renderer.width,
                                                                                event.renderer.height)))
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="rgba", bbox_inches=box)
    finally:
        fig.canvas.mpl_disconnect(listener)
    width, height = (int(n) for n in size[-1])  # the last draw is the one written (a figure may draw twice)
    image = Image.frombuffer("RGBA", (width, height), buffer.getbuffer(), "raw", "RGBA", 0, 1)
    if image.getextrema()[3][0] < 255:  # transparent somewhere: flatten on white, as a viewer would
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    png = io.BytesIO()
    image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(png, format="PNG")
    return png.getvalue()


def _show_saved(fig, png: Path, caption_text: str) -> None:
    """In a notebook, show the PNG just written instead of the inline backend rendering the figure
    a third time. The output names the file, so the notebook's HTML page links the image rather
    than carrying it again, and has the caption as its alternative text; the ``.ipynb`` keeps the
    image embedded, readable on its own."""
    from IPython import get_ipython

    if get_ipython() is None:  # a script or a test: the figure stays the caller's
        return
    from IPython.display import Image as Shown
    from IPython.display import display

    plt.close(fig)
    display(Shown(data=png.read_bytes(), format="png"),
            metadata={"filenames": {"image/png": Path(os.path.relpath(png)).as_posix()},
                      "image/png": {"alt": caption_text}})


def save_table(frame: pd.DataFrame, out_dir: Path | str, name: str) -> Path:
    """Write a table as UTF-8 CSV with stable line endings and no index."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.csv"
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path
