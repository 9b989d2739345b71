"""Dates and numbers as an Indonesian reader writes them (CLDR, through Babel): 1 Juli 2024, 0,31."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"


def format_day(value: date | None) -> str:
    return "-" if value is None else format_date(value, format="long", locale=LOCALE)


def format_fraction(value: float) -> str:
    """A score or threshold between 0 and 1, to two decimals."""
    return format_decimal(value, format="0.00", locale=LOCALE)


def format_number(value: float) -> str:
    """Training hours and the like: whole where whole, else one decimal."""
    return format_decimal(value, format="#,##0.#", locale=LOCALE)
