"""Retention of the Data Docs validation pages and the validation results they are built from.

Both hold the file and row of a few offending rows per expectation and, for non-personal columns
only, their values (kinerja.quality.context withholds the personal ones): they go after the
retention period, counted by the day they were written. The site's index lists what remains the
next time a validation rebuilds it.
"""

from __future__ import annotations

from datetime import date

from kinerja.retention import DATA_DOCS, Purged, remove_files_before
from kinerja.settings import Settings


def purge_validation_pages(settings: Settings, before: date | None) -> Purged:
    pages = settings.data_docs_dir / "validations"
    if before is None:
        return Purged(DATA_DOCS, str(pages), before)
    files = remove_files_before(pages, before) + remove_files_before(
        settings.gx_validations_dir, before
    )
    return Purged(DATA_DOCS, str(pages), before, files=files)
