"""Xiaoguan's performance harness: a deterministic data generator and a benchmark runner.

Not part of the test suite; run through ``./xg bench gen|run`` (see docs/benchmarks.md).
"""
