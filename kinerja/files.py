"""Local files that other processes read while they are written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def copy_atomically(source: Path, target: Path) -> None:
    """A reader of `target` sees the whole file or none. Another process may write the same file
    at once (two new homes sharing a cache): each copies to its own name, and the rename leaves
    one whole copy whichever lands last."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.copyfile(source, partial)
    partial.replace(target)
