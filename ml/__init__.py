"""Features in, models out: datasets, training, registry and promotion, batch scoring.

MLflow must never phone home from a government HR system; telemetry is switched off here, so it
is off before any module of this package imports mlflow.
"""

from kinerja.runtime import silence_telemetry

silence_telemetry()
