"""Features in, models out: datasets, training, registry and promotion, batch scoring.

MLflow must never phone home from a government HR system; the switch is set here so that it is in
place before any module of this package imports mlflow.
"""

import os

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
