"""The static HTML report: ``reports/index.html`` and each executed notebook as a page.

Pages open from the file system with no server and make no network request: no CDN scripts,
images embedded or linked relatively, and the bundled Noto Sans SC font served from
``reports/assets/`` so Chinese renders whatever fonts the reader's machine has.
"""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from jinja2 import Environment
from pylopdf_fonts_zh_cn import sans_path

from .exports import INTERCHANGE_DIR

FONT_FILE = "NotoSansSC-Regular.otf"
TABLE_SUFFIXES = (".csv",)
EXPORT_SUFFIXES = (".graphml", ".gexf")

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

_STYLE = """
@font-face { font-family: "Noto Sans SC"; src: url("{{ root }}assets/%s") format("opentype"); }
body { font-family: "Noto Sans SC", sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
img { max-width: 100%%; }
.run { border-top: 1px solid #ddd; padding: 0.6em 0; }
.gallery { display: flex; flex-wrap: wrap; gap: 0.6em; }
.gallery figure { margin: 0; width: 15em; }
.gallery img { width: 15em; height: 10em; object-fit: contain; border: 1px solid #eee; }
.gallery figcaption { font-size: 0.7em; color: #555; }
.params { font-size: 0.85em; color: #555; }
body.hide-input .input, body.hide-input .input_prompt { display: none; }
""" % FONT_FILE

_NOTEBOOK_PAGE = _ENV.from_string("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }} · platgov</title>
<style>""" + _STYLE + """</style>
</head>
<body class="hide-input">
<p><a href="{{ root }}index.html">← platgov report</a> ·
<button type="button" onclick="document.body.classList.toggle('hide-input')">show / hide code</button></p>
{{ body | safe }}
</body>
</html>
""")

_INDEX_PAGE = _ENV.from_string("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>platgov report</title>
<style>""" + _STYLE + """</style>
</head>
<body>
<h1>platgov report · 平台治理证据库报告</h1>
<p>Every figure and table below is rebuilt from the coded evidence base in <code>data/</code>;
each caption names its source study and the evidence rows behind it.
{{ runs | length }} runs, all succeeded.</p>
<nav><p>{% for group, items in groups %}<b>{{ group }}</b>: {% for item in items %}<a href="#{{ item.name }}">{{ item.name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}<br>
{% endfor %}</p></nav>
{% if interchange %}
<h2>Interchange files</h2>
<p>For QDA suites (REFI-QDA project of the coded quotes and its codebook) and reference managers (the studies and
the works they cite): {% for name in interchange %}<a href="{{ folder }}/{{ name }}">{{ name }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p>
{% endif %}
{% for group, items in groups %}
<h2>{{ group }}</h2>
{% for item in items %}
<div class="run" id="{{ item.name }}">
<h3>{{ item.name }}</h3>
<div class="params">parameters: {% for key, value in item.parameters %}<code>{{ key }} = {{ value }}</code>{% if not loop.last %}, {% endif %}{% endfor %} · status: {{ item.status }}</div>
<p><a href="{{ item.name }}/notebook.html">notebook (HTML)</a> · <a href="{{ item.name }}/notebook.ipynb">notebook (.ipynb)</a>
{% for label, href in item.files %} · <a href="{{ href }}">{{ label }}</a>{% endfor %}</p>
<div class="gallery">
{% for figure in item.figures %}
<figure><a href="{{ figure.href }}"><img src="{{ figure.png }}" alt="{{ figure.name }}" loading="lazy"></a>
<figcaption>{{ figure.name }}: {{ figure.caption }}</figcaption></figure>
{% endfor %}
</div>
</div>
{% endfor %}
{% endfor %}
</body>
</html>
""")


def render_notebook_html(notebook: Path, html_path: Path, title: str, depth: int) -> None:
    """Render an executed notebook as a self-contained page (code hidden, one click shows it)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.log.setLevel(logging.ERROR)  # not one alt-text notice per figure in the build log
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    html_path.write_text(_NOTEBOOK_PAGE.render(title=title, body=body, root="../" * depth), encoding="utf-8")


def _run_entry(report_dir: Path, run, status: str) -> dict:
    folder = report_dir / run.name
    manifest_path = folder / "figures.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    figures = [{"name": name, "caption": info["caption"],
                "png": f"{run.name}/{name}.png", "href": f"{run.name}/{name}.svg"}
               for name, info in sorted(manifest.items())]
    files = [(path.relative_to(folder).as_posix(), f"{run.name}/{path.relative_to(folder).as_posix()}")
             for path in sorted(folder.rglob("*")) if path.suffix in TABLE_SUFFIXES + EXPORT_SUFFIXES]
    return {"name": run.name, "parameters": sorted(run.parameters.items()), "status": status,
            "figures": figures, "files": files}


def write_index(report_dir: Path, runs, results) -> Path:
    """Write ``index.html`` listing every run, its parameters, status, figures and files."""
    assets = report_dir / "assets"
    assets.mkdir(exist_ok=True)
    shutil.copyfile(sans_path(), assets / FONT_FILE)
    groups: dict[str, list] = {}
    for run in runs:
        status = "rebuilt" if run.name in results else "unchanged, reused"
        groups.setdefault(run.notebook, []).append(_run_entry(report_dir, run, status))
    path = report_dir / "index.html"
    # groups in the order of the runs list, which puts each study's material first
    interchange = sorted(p.name for p in (report_dir / INTERCHANGE_DIR).glob("*") if p.is_file())
    path.write_text(_INDEX_PAGE.render(runs=runs, groups=list(groups.items()), interchange=interchange,
                                       folder=INTERCHANGE_DIR, root=""),
                    encoding="utf-8")
    return path
