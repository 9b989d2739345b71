"""Latent traits: the hidden causes the extracts are generated from and a model may rediscover.

- diligence (per person, standard normal): drives punctuality, unexcused absence, training and
  both ratings;
- commute (per person): lateness that says nothing about performance (noise a model must ignore);
- leniency (per unit): how generously the unit head rates;
- form (per person and quarter): diligence plus an AR(1) swing (health, family, workload), so a bad
  quarter tends to be followed by a weak one: this quarter's attendance and rating predict the next
  rating, imperfectly.

None of these is written into an extract; the generator may write them as ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FORM_PERSISTENCE = 0.6  # AR(1) coefficient of the quarterly swing
FORM_SWING_SD = 0.6  # innovation sd of the swing
LENIENCY_SD = 0.35
UNIT_SHOCK_SD = 0.5


def person_traits(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(diligence, commute) for n people."""
    return rng.standard_normal(n), rng.standard_normal(n)


@dataclass(frozen=True)
class LatentPerformance:
    form: np.ndarray  # (people, quarters)
    leniency: np.ndarray  # (units,)
    unit_shock: np.ndarray  # (units, quarters): the unit's own good or bad quarter


def latent_performance(
    rng: np.random.Generator, diligence: np.ndarray, n_units: int, n_quarters: int
) -> LatentPerformance:
    n = len(diligence)
    swing = np.empty((n, n_quarters))
    stationary_sd = FORM_SWING_SD / np.sqrt(1 - FORM_PERSISTENCE**2)
    swing[:, 0] = rng.normal(0, stationary_sd, n)
    for q in range(1, n_quarters):
        swing[:, q] = FORM_PERSISTENCE * swing[:, q - 1] + rng.normal(0, FORM_SWING_SD, n)
    return LatentPerformance(
        form=diligence[:, None] + swing,
        leniency=rng.normal(0, LENIENCY_SD, n_units),
        unit_shock=rng.normal(0, UNIT_SHOCK_SD, (n_units, n_quarters)),
    )


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
