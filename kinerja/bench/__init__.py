"""Measurements users can rerun: `kinerja bench load` compares the loader with the engines' bulk load."""
