"""`kinerja bench fraud`: rules and model measured against planted fraud.

Two landings from two seeds: A trains the model, B measures rules and model. Each goes through
the loader and dbt into its own DuckDB warehouse; the rules run with the project's thresholds
(the findings) and again with loosened ones (the candidates the model scores). Both are matched
to each landing's ground truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from kinerja_dev.fraud.evaluate import Landing, candidate_counts
from kinerja_dev.fraud.pipeline import build_warehouse, loose_vars, read_findings, rerun_rules
from kinerja_dev.synth import generate
from kinerja_dev.synth.fraud import load_fraud_truth
from kinerja_dev.synth.timeline import add_months


@dataclass(frozen=True)
class FraudBenchResult:
    rules: pd.DataFrame
    model: pd.DataFrame
    candidates: pd.DataFrame  # candidate_counts on the test landing
    families: dict[str, str]  # how each family scores: xgboost or a constant, and why
    run_id: str
    model_version: str
    planted: dict[str, int]  # cases per pola on the test landing


def landing_findings(
    work: Path, seed: int, employees: int, start: date, end: date, rate: float
) -> Landing:
    """Generate, load, build with the strict thresholds, then rerun the rules loosened."""
    landing = work / "landing"
    generate(landing, employees=employees, start=start, end=end, seed=seed, fraud=rate)
    settings = build_warehouse(landing, work, end)
    findings = read_findings(settings)
    rerun_rules(settings, work, loose_vars())
    return Landing(findings, read_findings(settings), load_fraud_truth(landing))


def run_fraud_bench(
    settings,
    work_dir: Path,
    employees: int = 400,
    months: int = 4,
    rate: float = 0.03,
    seeds: tuple[int, int] = (101, 202),
    start: date = date(2025, 1, 1),
    report: Callable[[str], None] = print,
) -> FraudBenchResult:
    from kinerja_dev.fraud.model_run import train_and_evaluate  # MLflow only once there is data

    end = add_months(start, months) - timedelta(days=1)
    sides = {}
    for role, seed in zip(("latih", "uji"), seeds):
        report(f"seed {seed} ({role}): {employees} employees, {start} .. {end}; load and dbt")
        sides[role] = landing_findings(work_dir / role, seed, employees, start, end, rate)
    report("training the scorer on the first landing's candidates, measuring on the second")
    run = train_and_evaluate(
        settings,
        sides["latih"],
        sides["uji"],
        {"employees": employees, "months": months, "fraud_rate": rate,
         "seed_train": seeds[0], "seed_test": seeds[1], "start": start.isoformat()},
    )  # fmt: skip
    test = sides["uji"]
    return FraudBenchResult(
        run.rules,
        run.model,
        candidate_counts(test.candidates, test.truth),
        run.families,
        run.run_id,
        run.version,
        test.truth["pola"].value_counts().to_dict(),
    )
