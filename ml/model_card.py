"""The model card of one risk-model version: what it is for, what it is not for, how good and how
fair it measured, and the facts a data-protection impact assessment (DPIA) under UU 27/2022
(Pelindungan Data Pribadi) needs.

The training code fills `ModelCardFacts`; `render_model_card` only formats (Markdown, logged
next to the model in MLflow as MODEL_CARD_ARTIFACT). The defaults state what is true of Kinerja
itself (intended use, features, safeguards); what only the agency can state (controller,
retention schedule, DPO) has a default that says it must be confirmed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ml.features import AUDIT_COLUMNS, FEATURE_COLUMNS, FEATURE_TABLE, LABEL_COLUMN

MODEL_CARD_ARTIFACT = "model_card.md"
DECIMALS = 3

INTENDED_USE = (
    (
        "Ranking active employees (ASN) by the probability that their next quarter's predikat "
        "kinerja is Butuh Perbaikan or worse, so that HR (BKPSDM) and direct superiors can review "
        "who may need coaching (pembinaan) or training early, with the reasons for each score."
    ),
    (
        "A score is a prompt for a conversation and a human review, never a finding about the "
        "employee."
    ),
)
OUT_OF_SCOPE = (
    "Automatic decisions of any kind: a human decides, after review, whether to act.",
    (
        "Decisions on pay or allowances (tunjangan kinerja), sanctions (hukuman disiplin), "
        "promotion, transfer, talent-pool placement or any other career step."
    ),
    (
        "Replacing the SKP assessment or the rater's judgement; the score predicts a rating, it "
        "does not give one."
    ),
    (
        "Employees outside the trained population (e.g. quarters or agencies the model never saw) "
        "without re-validation."
    ),
)
# The same statements in Bahasa Indonesia, for the people scored: the employee card shows them
# next to each score (kinerja.card). Item for item as above; change both together.
INTENDED_USE_ID = (
    (
        "Mengurutkan ASN aktif menurut peluang predikat kinerja triwulan berikutnya Butuh "
        "Perbaikan atau lebih rendah, agar BKPSDM dan atasan langsung dapat meninjau lebih awal "
        "siapa yang mungkin memerlukan pembinaan atau pelatihan, beserta alasan setiap skor."
    ),
    (
        "Skor adalah ajakan untuk berdialog dan ditinjau oleh manusia, bukan temuan atau "
        "penilaian tentang pegawai."
    ),
)
OUT_OF_SCOPE_ID = (
    "Keputusan otomatis dalam bentuk apa pun: manusia yang memutuskan, setelah peninjauan.",
    (
        "Keputusan tentang gaji atau tunjangan kinerja, hukuman disiplin, kenaikan pangkat, "
        "mutasi, penempatan dalam kelompok rencana suksesi (talent pool), atau langkah karier "
        "lainnya."
    ),
    (
        "Menggantikan penilaian SKP atau pertimbangan pejabat penilai; skor memperkirakan "
        "predikat, bukan memberikannya."
    ),
    (
        "Pegawai di luar populasi pelatihan model (misalnya triwulan atau instansi yang belum "
        "pernah dilihat model) tanpa validasi ulang."
    ),
)
LABEL_DEFINITION = (
    f"`{LABEL_COLUMN}` = 1 when the next quarter's recomputed predikat (PermenPANRB 6/2022 "
    "matrix) is Butuh Perbaikan or worse (seed `predikat`, berisiko = 1), 0 otherwise; rows "
    "are used for training only once that predikat was assessed (tanggal_label_tersedia)."
)
SYNTHETIC_CAVEAT = (
    "Trained and measured on synthetic data from Kinerja's generator: the relations the model "
    "learned are the generator's, not the agency's. Metrics and fairness results say the "
    "pipeline works, not how the model will behave on real employees; re-train and re-audit "
    "on the agency's own data before any use."
)


@dataclass(frozen=True)
class FairnessDimension:
    """The fairness gate's numbers for one audit dimension (e.g. jenis_kelamin)."""

    dimension: str
    demographic_parity_difference: float
    equalized_odds_difference: float
    passed: bool


@dataclass(frozen=True)
class DataProtectionFacts:
    """What a DPIA (penilaian dampak Pelindungan Data Pribadi, UU 27/2022 Pasal 34) asks."""

    controller: str = (
        "the agency (instansi) operating Kinerja, as Pengendali Data Pribadi; to be named by it"
    )
    data_protection_officer: str = (
        "the agency's pejabat/petugas pelindungan data pribadi (UU 27/2022 Pasal 53); to be "
        "named by it"
    )
    personal_data_categories: tuple[str, ...] = (
        (
            "identity: NIP (direct identifier; restricted layers only) and a pseudonymous key "
            "(pegawai_key)"
        ),
        (
            "employment: position type (jenis jabatan), years of service and in position, "
            "education level"
        ),
        (
            "attendance: daily status, minutes late and of early leave, days absent without valid "
            "reason (from punch times; no biometric template enters Kinerja)"
        ),
        (
            "leave and permits: days of approved cuti, izin and dinas luar, days of sick leave and "
            "short absences next to holidays; sick leave is health information, specific personal "
            "data under Pasal 4 ayat (2)"
        ),
        "performance appraisal: last SKP ratings (hasil kerja, perilaku kerja) and predikat",
        (
            "rater data: the current rater's leniency, derived from the ratings that rater gave "
            "(personal data of the rater as well)"
        ),
        "training: lesson hours (JP) completed in 12 months",
        "discipline: disciplinary sanctions (hukuman disiplin) decreed in 24 months",
        (
            "audit dimensions, used only to measure fairness, never as model input: sex "
            "(jenis kelamin), age band, grade group (kelompok golongan), time zone of the unit"
        ),
        "derived: the risk score, its band and its reasons (profiling in the sense of Pasal 10)",
    )
    purposes: tuple[str, ...] = (
        (
            "early identification of employees who may need coaching or training (pembinaan dan "
            "pengembangan kompetensi ASN)"
        ),
        "measuring that the scores do not disadvantage a group (fairness audit)",
    )
    legal_basis: str = (
        "UU 27/2022 Pasal 20 ayat (2) huruf e (a task in the public interest / the exercise of "
        "the agency's authority under law: ASN management by UU 20/2023 and performance "
        "management by PP 30/2019 and PermenPANRB 6/2022) and huruf c (legal obligations); to be "
        "confirmed by the agency's legal unit"
    )
    dpia_triggers: tuple[str, ...] = (
        "systematic evaluation and scoring of employees (Pasal 34 ayat (2) huruf d)",
        (
            "matching and combining several data sets: HR, attendance, SKP, training, discipline "
            "(huruf e)"
        ),
        "specific personal data: health information implied by sick leave (huruf b)",
        "processing at large scale, for large agencies (huruf c)",
    )
    recipients: tuple[str, ...] = (
        "HR managers of the agency (BKPSDM / biro kepegawaian) with access to the restricted marts",
        (
            "the employee's direct superior, for the employees they supervise, through the source "
            "system that imports the outbox"
        ),
        "BI analysts see pseudonymous keys and aggregates only, never NIP",
        (
            "no recipient outside the agency; no transfer abroad (Kinerja runs on the agency's own "
            "infrastructure and sends no telemetry)"
        ),
    )
    who_sees_scores: str = (
        "scores with NIP live in the restricted table marts.skor_kinerja and the outbox, readable "
        "by HR roles the agency grants; every employee may see their own score and its reasons"
    )
    retention: str = (
        "features and scores per data date are replaced on rerun; how long past scores, features "
        "and model versions are kept follows the agency's records retention schedule (jadwal "
        "retensi arsip) and must be set by it; then processing ends and the data are deleted or "
        "destroyed (Pasal 42 to 44)"
    )
    data_subject_rights: tuple[str, ...] = (
        "information on the processing, its purpose and legal basis (Pasal 5)",
        "access to and a copy of one's own data, score and score reasons (Pasal 7)",
        "correction of inaccurate data, e.g. a wrong attendance day or leave record (Pasal 6)",
        (
            "objection to a decision based solely on automated processing, including profiling "
            "(Pasal 10): no decision is automated, and any score can be sent to human review"
        ),
        "restriction or suspension of processing (Pasal 11) and complaint to the agency's DPO",
    )
    safeguards: tuple[str, ...] = (
        "pseudonymous keys (pegawai_key) in BI marts; NIP only in restricted layers",
        "no sex, age, region or grade-group feature: they are audit dimensions only",
        (
            "fairness gate: a version whose selection-rate or error-rate differences between "
            "groups pass the configured limit is never promoted, and the refusal is recorded"
        ),
        "every score carries its reasons in Indonesian, from the model's own SHAP values",
        "a human decides: the score only orders a review list",
        "every version is traceable in MLflow: data digests, parameters, metrics, this card",
        "no data or telemetry leaves the agency's infrastructure",
    )


@dataclass(frozen=True)
class ModelCardFacts:
    """Everything the card states about one model version. Tidy frames as the plots take them:

    - `backtest`: fold, model, metric, value (the model and its baselines per validation quarter)
    - `fairness_by_group`: dimension, group, metric, value (selection_rate, tpr, fpr)
    - `calibration_bins`: predicted, observed, rows (one row per probability bin)
    """

    model_name: str
    model_version: str | None
    run_id: str | None
    as_of: date
    train_periods: Sequence[str]
    validation_period: str
    train_rows: int
    validation_rows: int
    model_label: str = "xgboost"  # the registered contender's name in `backtest`
    scorer: str = "xgboost"  # what the registered whole scorer is (ml.scorer kinds)
    choice_reason: str = ""  # why this contender and not another
    primary_metric: str = "pr_auc"
    validation_metrics: Mapping[str, float] = field(default_factory=dict)
    backtest: pd.DataFrame | None = None
    calibration_bins: pd.DataFrame | None = None
    operating_threshold: float | None = None
    fairness: Sequence[FairnessDimension] = ()
    fairness_by_group: pd.DataFrame | None = None
    fairness_limit: float | None = None
    fairness_passed: bool | None = None
    fairness_reason: str = ""
    promoted: bool | None = None
    promotion_reason: str = ""
    dataset_digests: Mapping[str, str] = field(default_factory=dict)
    feature_table: str = FEATURE_TABLE
    features: Sequence[str] = FEATURE_COLUMNS
    audit_dimensions: Sequence[str] = AUDIT_COLUMNS
    synthetic_data: bool = True
    plots: Mapping[str, str] = field(default_factory=dict)  # caption -> artifact path
    data_protection: DataProtectionFacts = field(default_factory=DataProtectionFacts)


def calibration_table(y: object, p: object, n_bins: int = 10) -> pd.DataFrame:
    """`calibration_bins` for the card: per uniform bin of predicted probability (the bins of
    sklearn's calibration_curve), the mean prediction, the observed share and the rows; empty
    bins are left out."""
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p)
    table = (
        pd.DataFrame({"bin": bins, "p": p, "y": y})
        .groupby("bin")
        .agg(predicted=("p", "mean"), observed=("y", "mean"), rows=("y", "size"))
    )
    return table.reset_index(drop=True)


def render_model_card(facts: ModelCardFacts) -> str:
    """The card as Markdown: one section per concern, numbers to three decimals."""
    sections = [
        _header(facts),
        _intended_use(),
        _limits(facts),
        _data(facts),
        _metrics(facts),
        _calibration(facts),
        _fairness(facts),
        _figures(facts),
        _data_protection(facts.data_protection),
    ]
    return "\n\n".join(s.strip() for s in sections if s.strip()) + "\n"


def _header(facts: ModelCardFacts) -> str:
    version = facts.model_version or "(not registered)"
    rows = [
        ("model", facts.model_name),
        ("version", version),
        ("MLflow run", _code(facts.run_id) if facts.run_id else "-"),
        ("data as of", facts.as_of.isoformat()),
        ("predicts", f"`{LABEL_COLUMN}` for the quarter after the feature quarter"),
        (
            "registered model",
            (
                f"a whole scorer ({facts.scorer}): the feature columns of "
                f"`{facts.feature_table}` in, the calibrated probability `skor` out (MLflow pyfunc)"
            ),
        ),
    ]
    if facts.choice_reason:
        rows.append(("chosen", facts.choice_reason))
    if facts.promoted is not None:
        verdict = "champion" if facts.promoted else "not promoted"
        rows.append(("promotion", f"{verdict}: {facts.promotion_reason}".rstrip(": ")))
    return f"# Model card: {facts.model_name} version {version}\n\n" + _table(
        ["", ""], rows, header=False
    )


def _intended_use() -> str:
    return (
        "## Intended use\n\n"
        + "\n\n".join(INTENDED_USE)
        + "\n\n### Not for\n\n"
        + _bullets(OUT_OF_SCOPE)
    )


def _limits(facts: ModelCardFacts) -> str:
    quarters = [*facts.train_periods, facts.validation_period]
    items = [
        f"Label: {LABEL_DEFINITION}",
        (
            f"Quarters covered: {quarters[0]} to {quarters[-1]} ({len(quarters)} quarters); "
            "behaviour after a change of rules, raters or working patterns is unknown until "
            "re-measured."
        ),
        (
            "The label is the rater's predikat: the model learns the raters' habits, including "
            "their biases, together with the employees' performance."
        ),
        (
            "Probabilities are calibrated on past quarters; the share at risk can move between "
            "quarters, so read a score against the current list, not as a fixed fact."
        ),
    ]
    if facts.synthetic_data:
        items.insert(0, f"**Synthetic data.** {SYNTHETIC_CAVEAT}")
    return "## Limits\n\n" + _bullets(items)


def _data(facts: ModelCardFacts) -> str:
    rows = [
        ("feature table", _code(facts.feature_table)),
        ("training quarters", ", ".join(facts.train_periods)),
        ("training rows", f"{facts.train_rows:,}"),
        ("validation quarter", facts.validation_period),
        ("validation rows", f"{facts.validation_rows:,}"),
    ]
    rows += [(f"dataset digest ({name})", _code(d)) for name, d in facts.dataset_digests.items()]
    return (
        "## Data\n\n"
        + _table(["", ""], rows, header=False)
        + "\n\nFeatures (known at the end of the feature quarter): "
        + ", ".join(_code(f) for f in facts.features)
        + ".\n\nAudit dimensions (fairness only, never features): "
        + ", ".join(_code(d) for d in facts.audit_dimensions)
        + "."
    )


def _metrics(facts: ModelCardFacts) -> str:
    parts = ["## Metrics"]
    if facts.validation_metrics:
        parts.append(
            f"Validation quarter {facts.validation_period}:\n\n"
            + _table(
                ["metric", "value"],
                [
                    (name, _number(value))
                    for name, value in sorted(facts.validation_metrics.items())
                ],
            )
        )
    backtest = facts.backtest
    if backtest is not None and not backtest.empty:
        metrics = list(dict.fromkeys(backtest["metric"]))
        wide = backtest.pivot_table(
            index=["fold", "model"], columns="metric", values="value", aggfunc="first", sort=False
        )
        rows = [
            (fold, model, *(_number(wide.loc[(fold, model)].get(m)) for m in metrics))
            for fold, model in wide.index
        ]
        parts.append(
            "Rolling-origin backtest (each fold trains on the quarters before its validation "
            "quarter), the model next to its baselines:\n\n"
            + _table(["fold", "model", *metrics], rows)
        )
        parts.append(_gain_over_baselines(facts, backtest))
    if len(parts) == 1:
        parts.append("No metrics were recorded.")
    return "\n\n".join(p for p in parts if p)


def _gain_over_baselines(facts: ModelCardFacts, backtest: pd.DataFrame) -> str:
    metric = facts.primary_metric
    scores = backtest[backtest["metric"] == metric].pivot_table(
        index="fold", columns="model", values="value", aggfunc="first", sort=False
    )
    others = [m for m in scores.columns if m != facts.model_label]
    if scores.empty or facts.model_label not in scores or not others:
        return ""
    gains = scores[facts.model_label] - scores[others].max(axis=1)
    better = bool((gains > 0).all())
    rows = [(fold, _number(gain)) for fold, gain in gains.items()]
    verdict = "on every fold" if better else f"NOT on every fold (worst {_number(gains.min())})"
    return (
        f"{metric} gain of {facts.model_label} over the best of the others "
        f"({', '.join(others)}): better {verdict}.\n\n" + _table(["fold", "gain"], rows)
    )


def _calibration(facts: ModelCardFacts) -> str:
    parts = ["## Calibration"]
    measured = {
        k: v
        for k, v in facts.validation_metrics.items()
        if any(word in k for word in ("brier", "ece", "calibration"))
    }
    if measured:
        parts.append(", ".join(f"{k} {_number(v)}" for k, v in sorted(measured.items())) + ".")
    bins = facts.calibration_bins
    if bins is not None and not bins.empty:
        parts.append(
            "Observed share at risk per bin of predicted probability:\n\n"
            + _table(
                ["predicted", "observed", "rows"],
                [
                    (_number(r.predicted), _number(r.observed), f"{int(r.rows):,}")
                    for r in bins.itertuples()
                ],
            )
        )
    if facts.operating_threshold is not None:
        parts.append(
            f"Operating threshold: scores at or above {_number(facts.operating_threshold)} are "
            "flagged for review."
        )
    if len(parts) == 1:
        parts.append("No calibration was recorded.")
    return "\n\n".join(parts)


def _fairness(facts: ModelCardFacts) -> str:
    parts = ["## Fairness"]
    if facts.fairness_passed is not None:
        verdict = "PASSED" if facts.fairness_passed else "FAILED"
        limit = f" (limit {_number(facts.fairness_limit)})" if facts.fairness_limit else ""
        parts.append(f"Fairness gate: **{verdict}**{limit}. {facts.fairness_reason}".strip())
    if facts.fairness:
        parts.append(
            "Differences between the groups of each audit dimension (0 = equal treatment):\n\n"
            + _table(
                ["dimension", "demographic parity difference", "equalized odds difference", "gate"],
                [
                    (
                        d.dimension,
                        _number(d.demographic_parity_difference),
                        _number(d.equalized_odds_difference),
                        "passed" if d.passed else "FAILED",
                    )
                    for d in facts.fairness
                ],
            )
        )
    groups = facts.fairness_by_group
    if groups is not None and not groups.empty:
        metrics = list(dict.fromkeys(groups["metric"]))
        wide = groups.pivot_table(
            index=["dimension", "group"],
            columns="metric",
            values="value",
            aggfunc="first",
            sort=False,
        )
        parts.append(
            "Per group on the validation quarter:\n\n"
            + _table(
                ["dimension", "group", *metrics],
                [
                    (dim, group, *(_number(wide.loc[(dim, group)].get(m)) for m in metrics))
                    for dim, group in wide.index
                ],
            )
        )
    if len(parts) == 1:
        parts.append("No fairness audit was recorded: this version must not be promoted.")
    return "\n\n".join(parts)


def _figures(facts: ModelCardFacts) -> str:
    if not facts.plots:
        return ""
    return "## Figures\n\n" + "\n\n".join(
        f"![{caption}]({path})" for caption, path in facts.plots.items()
    )


def _data_protection(dp: DataProtectionFacts) -> str:
    return "\n\n".join(
        [
            "## Data protection (UU 27/2022 Pelindungan Data Pribadi): facts for the DPIA",
            _table(
                ["", ""],
                [
                    ("controller", dp.controller),
                    ("data protection officer", dp.data_protection_officer),
                    ("legal basis", dp.legal_basis),
                    ("who can see scores", dp.who_sees_scores),
                    ("retention", dp.retention),
                ],
                header=False,
            ),
            "### Categories of personal data processed\n\n" + _bullets(dp.personal_data_categories),
            "### Purposes\n\n" + _bullets(dp.purposes),
            "### Why a DPIA is required\n\n" + _bullets(dp.dpia_triggers),
            "### Recipients\n\n" + _bullets(dp.recipients),
            "### Rights of the employee (data subject)\n\n" + _bullets(dp.data_subject_rights),
            "### Safeguards\n\n" + _bullets(dp.safeguards),
        ]
    )


def _number(value: object) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "-"
    return f"{number:.{DECIMALS}f}"


def _code(text: str) -> str:
    return f"`{text}`"


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _cell(value: object) -> str:
    # A pipe would end the cell; a newline would end the row.
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], header: bool = True) -> str:
    """A Markdown table; without `header` the first row is an empty heading (a fact sheet)."""
    lines = [
        "| " + " | ".join(_cell(h) for h in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    if not header:
        lines[0] = "|" + " |" * len(headers)
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
