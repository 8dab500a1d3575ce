"""platgov_analysis: the helper package behind platgov's notebooks.

Modules, one per concern: ``data`` (loading, validation, quote checks), ``figures`` (style,
CJK font, captions, saving), ``cases`` (case matrix, intercoder agreement, crosswalk), ``qca``
(crisp-set QCA), ``networks`` (relation networks and exports), ``studies`` (each study's own
tables and diagrams), ``build`` and ``report`` (the papermill pipeline and the HTML report), ``recording`` (what a build run reads).
"""
from . import recording  # noqa: F401  (first, so that a build run's reads are recorded from its start)

__version__ = "0.1.0"
