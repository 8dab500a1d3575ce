"""Configurational comparison (QCA) to the reporting standards, crisp and fuzzy.

Reimplements the parts of R's ``QCA`` package (A. Dusa) the analysis needs, so results can
be checked against its published Lipset examples (``LC``, ``LF``) without an R dependency.
One module per step of the standards: ``sets`` (memberships and formulas), ``truth_table``,
``necessity``, ``minimize`` (exact; every minimal model; simplifying assumptions; prime-
implicant chart), ``intermediate`` (directional expectations, easy and difficult
counterfactuals), ``fit``, ``diagnostics`` (cases behind each term; cluster fit),
``robustness`` (coders, unknowns, studies, cuts) and ``plots``.
"""
from .diagnostics import cluster_diagnostics, term_cases
from .fit import fit, solutions, solutions_table
from .intermediate import check_expectations, counterfactuals, intermediate
from .minimize import (contradictory_simplifying_assumptions, covered_configurations, essential_implicants,
                       format_solution, format_term, minimize, parse_term, prime_implicant_chart,
                       simplifying_assumptions)
from .necessity import necessity, necessity_disjunctions
from .robustness import (coder_runs, completion_runs, leave_one_out_runs, model_shares, robust_core,
                         robustness_runs, sensitivity, solve, sweep_runs, term_shares)
from .sets import complete_cases
from .truth_table import exclude_remainders, limited_diversity, remainders, truth_table

__all__ = [
    "check_expectations", "cluster_diagnostics", "coder_runs", "complete_cases", "completion_runs",
    "contradictory_simplifying_assumptions", "counterfactuals", "covered_configurations", "essential_implicants",
    "exclude_remainders", "fit", "format_solution", "format_term", "intermediate", "leave_one_out_runs",
    "limited_diversity", "minimize", "model_shares", "necessity", "necessity_disjunctions", "parse_term",
    "prime_implicant_chart", "remainders", "robust_core", "robustness_runs", "sensitivity", "simplifying_assumptions",
    "solutions", "solutions_table", "solve", "sweep_runs", "term_cases", "term_shares", "truth_table",
]
