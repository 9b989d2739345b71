"""Kinerja: shared code for the nightly ASN performance pipeline."""
