"""What one night's training did (ml.train.train_and_register), on its own: the night records it
as it is (kinerja.night.results.TrainResult), without importing the training code to read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class TrainingResult:
    """Skips are results, not errors: `reason` says why."""

    skipped: bool
    reason: str
    run_id: str | None = None
    model_version: str | None = None
    promoted: bool = False
    fairness_passed: bool | None = None
    # Which contender was registered (ml.backtest.CONTENDERS) and why.
    contender: str | None = None
    choice_reason: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    as_of: date | None = None
    train_periods: list[str] = field(default_factory=list)
    validation_period: str | None = None
