"""The extract contract: what the source systems deliver each night."""

from kinerja.contract.extracts import (
    CONTRACT_VERSION,
    EXTRACTS,
    RAW_METADATA_COLUMNS,
    Column,
    Delivery,
    Extract,
    Kind,
    get_extract,
)

__all__ = [
    "CONTRACT_VERSION",
    "EXTRACTS",
    "RAW_METADATA_COLUMNS",
    "Column",
    "Delivery",
    "Extract",
    "Kind",
    "get_extract",
]
