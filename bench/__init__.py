"""The benchmark: `make bench` (python -m bench.run). Not part of the product."""
