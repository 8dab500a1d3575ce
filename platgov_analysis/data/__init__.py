"""The evidence base in ``data/``: read it, validate it, check its quotes against the sources.

``data/datapackage.json`` is the single source of truth: fields, types, enums, keys, foreign
keys and the row rules (``rowConstraints``) are declared there and checked by ``frictionless``,
with a few checks of our own. Every problem comes back as one plain sentence naming the file,
the row as a spreadsheet shows it (header = row 1), the field, the value and the rule broken.

Modules: ``load`` (paths, descriptor, tables), ``structure`` (what stops a CSV file parsing
into rows), ``checks`` (rules and typing slips frictionless does not know), ``messages`` (one
sentence per problem), ``validation`` (the whole check, remembered by content), ``quotes``.
"""
from .load import DATA_DIR, DESCRIPTOR, PANDAS_DTYPES, REPO_ROOT, folder_digest, load_tables, read_descriptor
from .messages import DataValidationError, Problem
from .quotes import fold_whitespace, verify_quotes
from .validation import validate, validate_once

__all__ = ["DATA_DIR", "DESCRIPTOR", "PANDAS_DTYPES", "REPO_ROOT", "DataValidationError", "Problem", "folder_digest",
           "fold_whitespace", "load_tables", "read_descriptor", "validate", "validate_once", "verify_quotes"]
