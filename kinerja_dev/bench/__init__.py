"""Benchmarks of the pipeline's stages (`kinerja bench ...`)."""
