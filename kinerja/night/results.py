"""What each step of the night did, as typed results.

A step returns one of these; the night's report (`kinerja.night.report`) and Airflow's XCom keep
it as JSON (`to_json`), and `from_json` reads it back, so the CLI, the benchmarks and the tests
read fields, not keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Self

from kinerja.retention import Purged
from ml.training_result import TrainingResult


class StepResult:
    def to_json(self) -> dict[str, Any]:
        return jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        # Reports written by an older version may hold keys this version dropped.
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class LoadResult(StepResult):
    rows_loaded: dict[str, int]
    batches: dict[str, list[str]]  # batch ids loaded tonight per extract: what validation reads
    unchanged: int
    rejected: list[str]
    waiting: list[str]
    not_read: list[str]


@dataclass(frozen=True)
class ValidateResult(StepResult):
    validations: int
    passed: int
    failed: list[str]
    delivery_checks: int
    delivery_warnings: list[str]
    delivery_stops: list[str]


@dataclass(frozen=True)
class MartsResult(StepResult):
    checked: int
    breaches: list[str]


@dataclass(frozen=True)
class TrainResult(StepResult, TrainingResult):
    """ml's training result as the night keeps it: its date as written in JSON."""

    as_of: str | None = None


@dataclass(frozen=True)
class PublishResult(StepResult):
    skipped: bool
    rows_published: int
    reason: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    rows_outbox: int = 0
    outbox: str | None = None
    drifted_features: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BiSnapshotResult(StepResult):
    skipped: bool
    reason: str = ""
    path: str | None = None
    tanggal_data: str | None = None
    dibuat_pada: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # per BI mart copied
    bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class RetentionResult(StepResult):
    purged: list[Purged]  # one per kind and table or folder, with its cutoff

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            purged=[
                Purged(
                    **{
                        **p,
                        "cutoff": date.fromisoformat(p["cutoff"]) if p["cutoff"] else None,
                        "removed": tuple(p["removed"]),
                    }
                )
                for p in data.get("purged", [])
            ]
        )


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
