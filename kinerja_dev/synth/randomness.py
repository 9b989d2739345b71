"""Named, independent random streams derived from one seed.

Each part of the generator draws from its own stream, so changing how one part draws (or adding a
part) leaves every other part's output unchanged for the same seed.
"""

from __future__ import annotations

import zlib

import numpy as np
from faker import Faker


class Streams:
    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed

    def _key(self, name: str) -> int:
        # crc32, not hash(): str hashes are salted per process and would break determinism.
        return zlib.crc32(name.encode("utf-8"))

    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, self._key(name)])

    def faker(self, name: str) -> Faker:
        fake = Faker("id_ID")
        fake.seed_instance(self.seed * 4_294_967_311 + self._key(name))
        return fake
