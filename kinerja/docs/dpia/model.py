"""Section 8: the risk model's purpose and limits, from its model card."""

from __future__ import annotations

from kinerja.docs.markdown import bullets, codes
from kinerja.settings import Settings
from ml.bands import RISK_BANDS
from ml.features import AUDIT_COLUMNS
from ml.model_card import (
    INTENDED_USE,
    LABEL_DEFINITION,
    OUT_OF_SCOPE,
    SYNTHETIC_CAVEAT,
    DataProtectionFacts,
)


def section(settings: Settings, protection: DataProtectionFacts) -> str:
    bands = ", ".join(f"{band} from {threshold}" for band, threshold in RISK_BANDS)
    return "\n\n".join(
        [
            "## 8. Profiling and automated decisions: the risk model",
            (
                "From the model card (`ml/model_card.py`), which is also logged with every model "
                "version in MLflow."
            ),
            "### Intended use",
            "\n\n".join(INTENDED_USE),
            "### Not for",
            bullets(OUT_OF_SCOPE),
            "### Limits and safeguards",
            bullets(
                [
                    f"Label: {LABEL_DEFINITION}",
                    (
                        f"Bands: {bands}; each score comes with its three largest reasons in "
                        "Indonesian, from the model's own SHAP values."
                    ),
                    (
                        f"Fairness gate (`ml/fairness.py`): a version whose demographic-parity "
                        f"difference passes {settings.fairness_max_dp_diff} or whose equalized-odds "
                        f"difference passes {settings.fairness_max_eo_diff} between the groups of "
                        f"any audit dimension ({codes(AUDIT_COLUMNS)}) is never promoted; groups "
                        f"below {settings.fairness_min_group_size} rows are reported, not gated."
                    ),
                    (
                        f"A new version replaces the champion only when fair and better by "
                        f"{settings.promotion_margin} PR-AUC on the same quarter; training runs when "
                        f"labels arrive or {settings.retrain_after_days} days after the last."
                    ),
                    f"**Synthetic data.** {SYNTHETIC_CAVEAT}",
                    *protection.safeguards,
                ]
            ),
        ]
    )
