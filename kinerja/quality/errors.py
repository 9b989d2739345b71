"""The error that stops the nightly run when a batch breaks the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinerja.quality.outcome import ValidationOutcome


class ValidationFailed(Exception):
    """One or more batches failed a critical expectation; `outcomes` holds the failing ones."""

    def __init__(self, outcomes: list[ValidationOutcome]) -> None:
        self.outcomes = outcomes
        extracts = ", ".join(sorted({o.extract for o in outcomes}))
        details = "\n\n".join(o.message for o in outcomes)
        super().__init__(
            f"contract validation failed for {len(outcomes)} batch(es) ({extracts}); "
            f"nothing downstream runs until the source data is fixed.\n\n{details}"
        )
