"""`python -m kinerja.cli ...`, the same as the `kinerja` console script."""

from kinerja.cli import app

app()
