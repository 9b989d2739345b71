"""Bulk loading of deliveries into the raw layer, with a load audit."""

from kinerja.load.loader import BatchOutcome, NightLoad, load_delivery, load_night

__all__ = ["BatchOutcome", "NightLoad", "load_delivery", "load_night"]
