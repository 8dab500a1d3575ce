"""Exact Boolean minimisation (Quine–McCluskey) and what a solution rests on.

Every equally minimal solution is returned, because a greedy cover would silently hide model
ambiguity; a size guard stops with a sentence where exact minimisation would take too long.
Terms map condition -> 0/1; a solution (model) is a list of terms.
"""
from __future__ import annotations

from itertools import product

import pandas as pd

from .truth_table import remainders, row_codes

DASH = -1  # internal marker for a condition that is absent from an implicant
MAX_CONDITIONS = 12  # 3^12 ≈ 530,000 possible implicants: the limit of exact minimisation here
MAX_COVER_STEPS = 200_000  # search steps allowed for finding every minimal cover


def _check_size(k: int) -> None:
    if k > MAX_CONDITIONS:
        raise ValueError(f"exact minimisation of {k} conditions would have to examine up to 3^{k} implicants; "
                         f"use at most {MAX_CONDITIONS} conditions")


def covers(implicant: tuple, config: tuple) -> bool:
    """Whether an implicant (0/1/DASH per condition) contains a configuration."""
    return all(v == DASH or v == c for v, c in zip(implicant, config))


def prime_implicants(ones) -> set[tuple]:
    """Quine–McCluskey: merge implicants differing in one literal until nothing merges."""
    current, primes = set(ones), set()
    while current:
        merged, used = set(), set()
        for implicant in current:
            for i, value in enumerate(implicant):
                if value == DASH:
                    continue
                partner = implicant[:i] + (1 - value,) + implicant[i + 1:]
                if partner in current:
                    merged.add(implicant[:i] + (DASH,) + implicant[i + 1:])
                    used.add(implicant)
        primes |= current - used
        current = merged
    return primes


def minimum_covers(primes: list[tuple], minterms) -> set[frozenset]:
    """All covers of ``minterms`` by ``primes`` with the fewest terms (iterative deepening)."""
    coverage = [frozenset(m for m in minterms if covers(p, m)) for p in primes]
    candidates = {m: [i for i, cov in enumerate(coverage) if m in cov] for m in minterms}
    found, steps = set(), [0]

    def extend(uncovered, chosen, budget):
        steps[0] += 1
        if steps[0] > MAX_COVER_STEPS:
            raise ValueError(f"the prime-implicant chart ({len(primes)} implicants, {len(minterms)} configurations) "
                             "has too many covers to list every minimal one; use fewer conditions")
        if not uncovered:
            found.add(chosen)
            return
        if budget == 0:
            return
        target = min(uncovered, key=lambda m: (len(candidates[m]), m))
        for i in candidates[target]:
            extend(uncovered - coverage[i], chosen | {i}, budget - 1)

    size = 0
    while not found:
        size += 1
        extend(frozenset(minterms), frozenset(), size)
    return found


def term_key(term: dict, conditions) -> tuple:
    """Sort key: terms mentioning earlier conditions first, negated before plain."""
    return tuple((0, term[c]) if c in term else (1, 0) for c in conditions)


def solution_key(solution, conditions):
    return (sum(len(term) for term in solution), [term_key(t, conditions) for t in solution])


def as_term(implicant: tuple, conditions) -> dict:
    return {c: v for c, v in zip(conditions, implicant) if v != DASH}


def as_implicant(term: dict, conditions) -> tuple:
    return tuple(term.get(c, DASH) for c in conditions)


def _on_set(codes: dict, k: int, include_remainders: bool):
    positives = {c for c, code in codes.items() if code == 1}
    if not include_remainders:
        return positives, positives
    negatives = {c for c, code in codes.items() if code == 0}
    return positives, set(product((0, 1), repeat=k)) - negatives


def solve_chart(positives, ones, conditions) -> list[list[dict]]:
    """Every minimal sum of prime implicants of ``ones`` that covers ``positives``, sorted:
    fewest literals first, then in a fixed order."""
    if not positives:
        return []
    primes = sorted(p for p in prime_implicants(ones) if any(covers(p, m) for m in positives))
    solutions = [sorted((as_term(primes[i], conditions) for i in cover), key=lambda t: term_key(t, conditions))
                 for cover in minimum_covers(primes, positives)]
    return sorted(solutions, key=lambda s: solution_key(s, conditions))


def minimize(truth_table: pd.DataFrame, conditions, include_remainders: bool = False) -> list[list[dict]]:
    """Every minimal sum of prime implicants for the positive (OUT = 1) configurations.

    With ``include_remainders=False`` (conservative solution) only positive rows may be
    covered; with ``True`` (parsimonious) unobserved configurations and ``'?'`` rows are
    don't-cares and only OUT = 0 rows are excluded. All covers with the minimum number of
    terms are returned (model ambiguity), fewest literals first, then in a fixed order.
    Returns ``[]`` when no configuration is positive.
    """
    conditions = list(conditions)
    _check_size(len(conditions))
    positives, ones = _on_set(row_codes(truth_table, conditions), len(conditions), include_remainders)
    return solve_chart(positives, ones, conditions)


def prime_implicant_chart(truth_table: pd.DataFrame, conditions, include_remainders: bool = False) -> pd.DataFrame:
    """Prime implicants (rows) x positive configurations (columns, e.g. ``10101``): which
    implicant covers which configuration; the chart every minimal solution is read from."""
    conditions = list(conditions)
    _check_size(len(conditions))
    positives, ones = _on_set(row_codes(truth_table, conditions), len(conditions), include_remainders)
    primes = sorted((p for p in prime_implicants(ones) if any(covers(p, m) for m in positives)),
                    key=lambda p: term_key(as_term(p, conditions), conditions))
    columns = sorted(positives)
    chart = pd.DataFrame([[covers(p, m) for m in columns] for p in primes],
                         index=[format_term(as_term(p, conditions), conditions) for p in primes],
                         columns=["".join(map(str, m)) for m in columns], dtype=bool)
    chart.index.name = "implicant"
    return chart


def essential_implicants(chart: pd.DataFrame) -> list[str]:
    """The prime implicants that alone cover some configuration: every minimal solution has them."""
    only = chart.loc[:, chart.sum() == 1]
    return [pi for pi in chart.index if only.loc[pi].any()]


def format_term(term: dict, conditions) -> str:
    """R ``QCA`` notation, e.g. ``DEV*~URB``; ``'1'`` for the empty (always true) term."""
    unknown = set(term) - set(conditions)
    if unknown:
        raise ValueError(f"term uses conditions not in the list: {sorted(unknown)}")
    return "*".join(c if term[c] == 1 else f"~{c}" for c in conditions if c in term) or "1"


def format_solution(solution, conditions) -> str:
    """R ``QCA`` notation, e.g. ``DEV*STB + ~URB*LIT``, terms in a fixed order."""
    terms = sorted(solution, key=lambda t: term_key(t, conditions))
    return " + ".join(format_term(t, conditions) for t in terms)


def parse_term(expression: str, conditions) -> dict:
    """The inverse of :func:`format_term`."""
    if expression.strip() == "1":
        return {}
    term = {}
    for literal in expression.split("*"):
        name = literal.strip().lstrip("~")
        if name not in conditions:
            raise ValueError(f"term {expression!r} uses {name!r}, not one of the conditions")
        term[name] = 0 if literal.strip().startswith("~") else 1
    return term


def covered_configurations(solution, conditions) -> set[tuple]:
    """All configurations (tuples of 0/1) the solution's terms contain."""
    conditions = list(conditions)
    implicants = [as_implicant(t, conditions) for t in solution]
    return {c for c in product((0, 1), repeat=len(conditions)) if any(covers(i, c) for i in implicants)}


def simplifying_assumptions(truth_table: pd.DataFrame, conditions, solution) -> list[tuple]:
    """The remainders (tuples of 0/1 in the conditions' order) a solution treats as if they
    showed the outcome: the counterfactual claims it rests on."""
    used = covered_configurations(solution, conditions)
    return [c for c in remainders(truth_table, conditions) if c in used]


def contradictory_simplifying_assumptions(truth_table: pd.DataFrame, negated_table: pd.DataFrame,
                                          conditions) -> list[tuple]:
    """Remainders the parsimonious solutions use both for the outcome and for its negation:
    assumptions that cannot both hold (Schneider & Wagemann 2012, ch. 8)."""
    def used(table):
        return {c for model in minimize(table, conditions, include_remainders=True)
                for c in simplifying_assumptions(table, conditions, model)}
    return sorted(used(truth_table) & used(negated_table))
