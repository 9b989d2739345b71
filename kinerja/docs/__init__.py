"""Documents written from what the code does and the installation's settings (the DPIA draft)."""
