"""Quarter ids as the marts write them: 'YYYY-TWn'."""

from __future__ import annotations

import re
from datetime import date, timedelta

_PERIODE_ID = re.compile(r"^(\d{4})-TW([1-4])$")


def parse_periode_id(periode_id: str) -> tuple[int, int]:
    match = _PERIODE_ID.match(periode_id)
    if not match:
        raise ValueError(f"not a quarter id of the form YYYY-TWn: {periode_id!r}")
    return int(match.group(1)), int(match.group(2))


def next_periode_id(periode_id: str) -> str:
    """The quarter after `periode_id`: the one a score made from its features predicts."""
    tahun, quarter = parse_periode_id(periode_id)
    if quarter == 4:
        return f"{tahun + 1}-TW1"
    return f"{tahun}-TW{quarter + 1}"


def periode_ids(first: str, count: int) -> list[str]:
    """`count` consecutive quarter ids starting at `first`."""
    ids = [first]
    while len(ids) < count:
        ids.append(next_periode_id(ids[-1]))
    return ids


def quarter_end(periode_id: str) -> date:
    tahun, quarter = parse_periode_id(periode_id)
    if quarter == 4:
        return date(tahun, 12, 31)
    return date(tahun, 3 * quarter + 1, 1) - timedelta(days=1)
