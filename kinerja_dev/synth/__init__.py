"""The synthetic source: an instansi's nightly extracts, with latent causes a model can learn.

Usage: `generate("/path/to/landing", employees=2000, seed=42)` returns a GenerationSummary.
"""

from kinerja_dev.synth.generator import GenerationSummary, default_range, generate

__all__ = ["GenerationSummary", "default_range", "generate"]
