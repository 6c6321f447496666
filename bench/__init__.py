"""The load benchmark behind `make bench` (see run.py)."""
