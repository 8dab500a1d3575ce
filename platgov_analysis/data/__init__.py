"""The evidence base in ``data/``: read it, validate it, check its quotes against the sources.

``data/datapackage.json`` is the single source of truth: fields, types, enums, keys, foreign
keys and the row rules (``rowConstraints``) are declared there and checked by ``frictionless``,
with a few checks of our own. Every problem comes back as one plain sentence naming the file,
the row as a spreadsheet shows it (header = row 1), the field, the value and the rule broken.

Modules: ``files`` (paths, descriptor, digests), ``load`` (tables), ``structure`` (what stops a CSV file parsing
into rows), ``checks`` (rules and typing slips frictionless does not know), ``messages`` (one
sentence per problem), ``validation`` (the whole check, remembered by content), ``quotes``.
"""
from importlib import import_module

from .files import DATA_DIR, DESCRIPTOR, REPO_ROOT, folder_digest, read_descriptor
from .messages import DataValidationError, Problem

# The rest is imported on first use (PEP 562): they need pandas or frictionless, which a build
# that finds nothing changed, or the command line's start, should not pay for.
_LAZY = {"PANDAS_DTYPES": "load", "load_tables": "load", "fold_whitespace": "quotes", "verify_quotes": "quotes",
         "validate": "validation", "validate_once": "validation"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DATA_DIR", "DESCRIPTOR", "PANDAS_DTYPES", "REPO_ROOT", "DataValidationError", "Problem", "folder_digest",
           "fold_whitespace", "load_tables", "read_descriptor", "validate", "validate_once", "verify_quotes"]
