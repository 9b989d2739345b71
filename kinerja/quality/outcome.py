"""What a validation found, in terms the nightly run and its operators act on.

The message names the extract, the batch, the files and rows and the broken rule, because it is
what an operator reads when the run stops. Values of personal columns (NIP, NIK, names...) are
withheld from it: messages end up in scheduler logs, which are less restricted than the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CRITICAL = "critical"
WARNING = "warning"

_EXAMPLES_IN_MESSAGE = 3


@dataclass(frozen=True)
class UnexpectedRow:
    source_file: str | None
    row_number: int | None
    value: Any

    def describe(self, personal: bool) -> str:
        where = f"{self.source_file or '<unknown file>'} row {self.row_number or '?'}"
        if personal or self.value is None:
            return where
        return f"{where} ({self.value!r})"


@dataclass(frozen=True)
class FailedExpectation:
    expectation_type: str
    column: str | None  # "a, b" for a compound key
    severity: str  # CRITICAL or WARNING
    rule: str  # the broken rule in words, e.g. "must match ^\d{18}$"
    unexpected_count: int | None  # None when the expectation could not be evaluated
    element_count: int | None
    examples: tuple[UnexpectedRow, ...] = ()
    personal: bool = False  # values are withheld from the message
    error: str | None = None  # why the expectation could not be evaluated

    @property
    def critical(self) -> bool:
        return self.severity == CRITICAL

    def describe(self) -> str:
        subject = f"column {self.column}" if self.column else "batch"
        text = f"[{self.severity}] {subject} {self.rule} ({self.expectation_type})"
        if self.unexpected_count is not None:
            of = f" of {self.element_count}" if self.element_count is not None else ""
            text += f": {self.unexpected_count}{of} rows"
        if self.error:
            text += f": {self.error}"
        if self.examples:
            shown = "; ".join(
                e.describe(self.personal) for e in self.examples[:_EXAMPLES_IN_MESSAGE]
            )
            more = " ..." if len(self.examples) > _EXAMPLES_IN_MESSAGE else ""
            text += f", e.g. {shown}{more}"
        return text


@dataclass(frozen=True)
class ValidationOutcome:
    extract: str
    batch_id: str
    source_files: tuple[str, ...]
    row_count: int
    success: bool  # every critical expectation passed
    failures: tuple[FailedExpectation, ...]  # critical and warning, critical first
    data_docs_page: str | None = None

    @property
    def critical_failures(self) -> tuple[FailedExpectation, ...]:
        return tuple(f for f in self.failures if f.critical)

    @property
    def warnings(self) -> tuple[FailedExpectation, ...]:
        return tuple(f for f in self.failures if not f.critical)

    @property
    def message(self) -> str:
        files = ", ".join(self.source_files) if self.source_files else "no files"
        head = f"raw.{self.extract} batch {self.batch_id} ({self.row_count} rows from {files})"
        if self.success:
            lines = [f"{head} passed the contract checks"]
        else:
            failed = len(self.critical_failures)
            lines = [f"{head} failed {failed} critical expectation(s) of the extract contract:"]
            lines += [f"  - {f.describe()}" for f in self.critical_failures]
        if self.warnings:
            lines.append(f"  {len(self.warnings)} warning(s):")
            lines += [f"  - {f.describe()}" for f in self.warnings]
        if self.data_docs_page:
            lines.append(f"  Data Docs: {self.data_docs_page}")
        return "\n".join(lines)
