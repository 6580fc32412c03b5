"""Benchmarks behind ``align bench …``: one module per area, each printing a table."""
