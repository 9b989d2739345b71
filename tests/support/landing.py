"""Deliveries as a source system leaves them in a landing area: <extract>/<date>/<file>."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def deliver(landing: Path, extract: str, day: date, name: str, text: str) -> Path:
    folder = landing / extract / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
