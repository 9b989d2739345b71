"""Great Expectations validation of raw batches against the extract contract.

`validate_batch`, `validate_night` and `raise_for_critical` are the entry points. They are
imported lazily: importing Great Expectations takes seconds, which DAG parsing should not pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kinerja.quality.errors import ValidationFailed
    from kinerja.quality.outcome import FailedExpectation, UnexpectedRow, ValidationOutcome
    from kinerja.quality.validate import raise_for_critical, validate_batch, validate_night

_EXPORTS = {
    "ValidationFailed": "kinerja.quality.errors",
    "FailedExpectation": "kinerja.quality.outcome",
    "UnexpectedRow": "kinerja.quality.outcome",
    "ValidationOutcome": "kinerja.quality.outcome",
    "raise_for_critical": "kinerja.quality.validate",
    "validate_batch": "kinerja.quality.validate",
    "validate_night": "kinerja.quality.validate",
}

__all__ = [
    "FailedExpectation",
    "UnexpectedRow",
    "ValidationFailed",
    "ValidationOutcome",
    "raise_for_critical",
    "validate_batch",
    "validate_night",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
