"""zoo test suite."""
