"""Which contender a training run registers: the best fair one, XGBoost or a baseline.

The backtest measures XGBoost next to its two baselines on every fold (ml.backtest); the fairness
gate judges each on the latest fold's validation quarter (ml.fairness). Both rules stay where
they are; this module only combines them into one choice and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml.backtest import MODEL, BacktestResult
from ml.bands import OPERATING_THRESHOLD
from ml.fairness import FairnessLimits, FairnessReport, assess_fairness
from ml.features import AUDIT_COLUMNS


def assess_candidate(
    backtest: BacktestResult, limits: FairnessLimits, contender: str = MODEL
) -> FairnessReport:
    latest = backtest.latest
    return assess_fairness(
        latest.y,
        latest.predictions[contender],
        latest.validation[list(AUDIT_COLUMNS)],
        OPERATING_THRESHOLD,
        limits,
    )


@dataclass(frozen=True)
class Choice:
    """The contender to register, its fairness report, and why it and not another."""

    contender: str
    fairness: FairnessReport
    reason: str

    @property
    def is_baseline(self) -> bool:
        return self.contender != MODEL


def choose_contender(backtest: BacktestResult, limits: FairnessLimits) -> Choice:
    """The best contender by mean backtest PR-AUC that passes the fairness gate.

    A baseline that beats XGBoost is registered in its place: publishing the worse model because
    it is the complex one would serve no one. An unfair contender is passed over for the next
    best; when none is fair, the best is registered and the gate refuses it (no alias).
    """
    ranked = backtest.ranking()
    mean = backtest.mean_pr_auc()
    refused: list[str] = []
    chosen, report = ranked[0], assess_candidate(backtest, limits, ranked[0])
    for name in ranked:
        report = assess_candidate(backtest, limits, name)
        if report.passed:
            chosen = name
            break
        refused.append(name)
    else:
        chosen, report = ranked[0], assess_candidate(backtest, limits, ranked[0])
    others = ", ".join(f"{n} {mean[n]:.4f}" for n in ranked if n != chosen)
    reason = f"{chosen} has the best mean backtest PR-AUC, {mean[chosen]:.4f} (others: {others})"
    if chosen in refused:
        reason = f"{reason}; no contender passed the fairness gate"
    elif refused:
        reason = (
            f"{chosen} is the best contender that passes the fairness gate, mean backtest PR-AUC "
            f"{mean[chosen]:.4f} ({', '.join(refused)} refused by it; others: {others})"
        )
    if chosen != MODEL:
        gains = backtest.pr_auc_gains()
        reason = (
            f"baseline registered instead of XGBoost: {reason}; XGBoost beat the best baseline "
            f"on {int((gains > 0).sum())} of {len(gains)} folds"
        )
    return Choice(chosen, report, reason)
