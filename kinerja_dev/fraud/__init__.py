"""Attendance-fraud and ghost-employee detection measured against the generator's ground truth."""
