"""Section 7: how long each kind of data is kept on this installation."""

from __future__ import annotations

from dataclasses import fields

from kinerja.contract import EXTRACTS
from kinerja.contract.extracts import (
    Delivery,
)
from kinerja.docs.dpia.framing import AGENCY_ITEM
from kinerja.docs.markdown import bullets, code, codes, table
from kinerja.retention import Cutoffs
from kinerja.settings import Settings
from ml.model_card import (
    DataProtectionFacts,
)


def retention_rows(settings: Settings) -> list[tuple[str, str, str, str, str]]:
    """(kind, this installation, default, setting, what and why) per kind the night purges."""
    rows = []
    for kind in (f.name for f in fields(Cutoffs)):
        name = next(n for n in Settings.model_fields if n.startswith(f"retention_{kind}_"))
        field = Settings.model_fields[name]
        rows.append(
            (
                kind,
                _period(name, getattr(settings, name)),
                _period(name, field.default),
                code(f"KINERJA_{name.upper()}"),
                field.description or "",
            )
        )
    return rows


def _period(name: str, value: int) -> str:
    if not value:
        return "kept forever"
    if name.endswith("_years"):
        return f"current year + {value}"
    return f"{value} days"


def section(settings: Settings, protection: DataProtectionFacts) -> str:
    snapshots = [e.name for e in EXTRACTS.values() if e.delivery == Delivery.SNAPSHOT]
    return "\n\n".join(
        [
            "## 7. Retention",
            (
                "The night's last task, `apply_retention`, removes what is older than its period, "
                "counted back from the night's date, and records every purge in `raw.retention_log` "
                "(`kinerja/retention.py`). Periods of this installation:"
            ),
            table(
                ["kind", "this installation", "default", "setting", "what and why"],
                retention_rows(settings),
            ),
            bullets(
                [
                    (
                        f"snapshot extracts ({codes(snapshots)}) keep their last delivery before the "
                        "cutoff: it is the state from then on"
                    ),
                    (
                        "not purged by the night: the marts (incremental marts keep the days they "
                        "built until a full refresh), `marts.skor_kinerja`, the MLflow store "
                        "(model versions, model cards, training data digests) and the landing area"
                    ),
                    f"{AGENCY_ITEM} {protection.retention}",
                ]
            ),
        ]
    )
