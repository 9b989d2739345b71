"""SKP ratings bent to the distribution curve (SE MenPANRB 3/2023), as most raters do.

The unit's own result (capaian organisasi) bounds how its staff may be rated; the bounds are the
rows of seed aturan_distribusi_predikat (kinerja.rules.distribution_rules) and they apply to an
evaluation unit: a unit at depth distribusi_kedalaman_unit of the tree with its sub-units, its
head not counted (as mart_distribusi_predikat judges them). In CURVE_SHARE of the evaluation
unit-periods the raters fit their ratings to the curve: the fewest staff change predikat, those
ranked nearest the boundary (by predikat, then by what the rater saw), and each changes to the
nearest ratings that give the new predikat. The other unit-periods keep the ratings as drawn,
which mostly breach the curve.
"""

from __future__ import annotations

import math

import numpy as np

from kinerja.rules import distribution_depth, distribution_rules, head_hasil_kerja
from kinerja_dev.synth.organisation import Organisation

CURVE_SHARE = 0.88
HEAD_FOLLOWS_SHARE = 0.9
PREDIKAT_CODES = np.arange(1, 6)
MOST, LEAST, SOME = "PALING_BANYAK", "PALING_SEDIKIT", "ADA"


def evaluation_units(org: Organisation) -> np.ndarray:
    """Per unit, the unit it is judged in: its ancestor at the judged depth (the root is depth
    1, level 0), or itself when it is not deeper."""
    level = org.units["level"].to_numpy()
    parent = org.units["parent"].to_numpy()
    out = np.arange(org.n_units)
    while (deeper := level[out] + 1 > distribution_depth()).any():
        out = np.where(deeper, parent[out], out)
    return out


def _bounds(rule: tuple[frozenset[int], str, float], n: int) -> tuple[int, int]:
    """(least, most) staff the rule allows in its group out of `n` rated."""
    _, kind, share = rule
    if kind == MOST:
        return 0, math.floor(share * n + 1e-9)
    if kind == LEAST:
        return math.ceil(share * n - 1e-9), n
    return 1, n  # SOME


def _donors(group: frozenset[int]) -> list[int]:
    """Codes outside `group`, nearest to it first, the better code on a tie."""
    outside = [c for c in PREDIKAT_CODES.tolist() if c not in group]
    return sorted(outside, key=lambda c: (min(abs(c - g) for g in group), c))


def curve_counts(counts: np.ndarray, capaian: str) -> np.ndarray:
    """The predikat counts (index 0 is code 1) nearest `counts` that keep the capaian's bounds:
    a group over its limit hands its excess to the next worse code (the next better when it has
    the worst); a group under its minimum takes from the nearest codes, as far as their own
    minimum allows. Unknown or missing capaian: unchanged."""
    rules = distribution_rules().get(capaian, ())
    out = counts.copy()
    n = int(out.sum())
    if not n:
        return out
    floors = np.zeros(len(out), dtype=int)
    for group, kind, share in rules:
        if kind == LEAST and len(group) == 1:
            floors[min(group) - 1] = _bounds((group, kind, share), n)[0]
    for _ in range(len(rules)):  # a later rule may take from an earlier one's group: repeat
        for rule in rules:
            group = rule[0]
            least, most = _bounds(rule, n)
            members = [c - 1 for c in sorted(group)]
            excess = int(out[members].sum()) - most
            if excess > 0:
                target = max(group) + 1 if max(group) < 5 else min(group) - 1
                for m in sorted(members, key=lambda i: abs(i + 1 - target)):
                    moved = min(excess, int(out[m]))
                    out[m] -= moved
                    out[target - 1] += moved
                    excess -= moved
            missing = least - int(out[members].sum())
            for donor in _donors(group):
                if missing <= 0:
                    break
                moved = min(missing, max(int(out[donor - 1]) - floors[donor - 1], 0))
                out[donor - 1] -= moved
                out[members[0] if donor < min(group) else members[-1]] += moved
                missing -= moved
    return out


def _nearest_ratings(matrix: np.ndarray) -> np.ndarray:
    """[hasil-1, perilaku-1, predikat-1] -> the (hasil, perilaku) nearest to the given ones that
    give that predikat; on a tie the hasil changes, as the curve is about results."""
    out = np.zeros((3, 3, 5, 2), dtype=int)
    pairs = [(h, b) for h in (1, 2, 3) for b in (1, 2, 3)]
    for h in (1, 2, 3):
        for b in (1, 2, 3):
            for p in PREDIKAT_CODES.tolist():
                fits = [q for q in pairs if matrix[q[0] - 1, q[1] - 1] == p]
                out[h - 1, b - 1, p - 1] = min(
                    fits, key=lambda q: (abs(q[0] - h) + abs(q[1] - b), abs(q[1] - b))
                )
    return out


def follow_curve(
    rng: np.random.Generator,
    matrix: np.ndarray,
    groups: np.ndarray,
    counted: np.ndarray,
    capaian: np.ndarray,
    score: np.ndarray,
    hasil: np.ndarray,
    perilaku: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """New (hasil, perilaku) codes: rows share a group id per evaluation unit and period;
    `counted` rows are the ones the curve judges (the head is not); `score` ranks staff of one
    predikat (higher is better)."""
    hasil, perilaku = hasil.copy(), perilaku.copy()
    nearest = _nearest_ratings(matrix)
    predikat = matrix[hasil - 1, perilaku - 1]
    rows = np.flatnonzero(counted)
    order = rows[np.lexsort((-score[rows], predikat[rows], groups[rows]))]
    starts = np.flatnonzero(np.r_[True, groups[order][1:] != groups[order][:-1]])
    applies = rng.random(len(starts)) < CURVE_SHARE
    for members, curved in zip(np.split(order, starts[1:]), applies):
        if not curved or not len(members):
            continue
        counts = np.bincount(predikat[members] - 1, minlength=5)
        wanted = np.repeat(PREDIKAT_CODES, curve_counts(counts, capaian[members[0]]))
        changed = members[wanted != predikat[members]]
        new = wanted[wanted != predikat[members]]
        pair = nearest[hasil[changed] - 1, perilaku[changed] - 1, new - 1]
        hasil[changed], perilaku[changed] = pair[:, 0], pair[:, 1]
    return hasil, perilaku


def follow_unit_result(
    rng: np.random.Generator, heads: np.ndarray, capaian: np.ndarray, hasil: np.ndarray
) -> np.ndarray:
    """New hasil codes: a unit head's result is the one its unit's result gives (seed
    capaian_organisasi) in HEAD_FOLLOWS_SHARE of the heads whose unit result is delivered; the
    others keep the rating as drawn, a finding the distribution mart reports."""
    wanted = head_hasil_kerja()
    hasil = hasil.copy()
    follows = heads & (rng.random(len(hasil)) < HEAD_FOLLOWS_SHARE)
    for i in np.flatnonzero(follows):
        hasil[i] = wanted.get(capaian[i], hasil[i])
    return hasil
