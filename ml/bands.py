"""Score bands, highest first: a score at or above the threshold gets the band. One place to
change them; everything below the last threshold is LOWEST_BAND.

The operating threshold (the score from which HR is asked to act) is the top band's: the
confusion matrix and the fairness gate are measured there.
"""

from __future__ import annotations

RISK_BANDS: tuple[tuple[str, float], ...] = (("TINGGI", 0.5), ("SEDANG", 0.2))
LOWEST_BAND = "RENDAH"
OPERATING_THRESHOLD = RISK_BANDS[0][1]


def band_for(skor: float) -> str:
    for band, threshold in RISK_BANDS:
        if skor >= threshold:
            return band
    return LOWEST_BAND
