"""What several test modules share: throwaway databases, a raw layer written as the loader writes
it, dbt builds of it, and the hand-made agency. Importable as `support` (tests/ is on the path
through tests/conftest.py); nothing here is collected as a test."""
