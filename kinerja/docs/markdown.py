"""The few Markdown shapes the generated documents use: tables, bullets, code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def code(text: object) -> str:
    return f"`{text}`"


def codes(names: Iterable[object]) -> str:
    return ", ".join(code(n) for n in names) or "-"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _cell(value: object) -> str:
    # A pipe would end the cell; a newline would end the row.
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = [
        "| " + " | ".join(_cell(h) for h in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def first_sentence(text: str) -> str:
    """Up to the first full stop followed by a space (or the whole text)."""
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")
