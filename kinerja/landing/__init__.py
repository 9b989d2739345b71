"""Reading deliveries from the landing area (a local folder or any fsspec filesystem)."""
