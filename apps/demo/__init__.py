"""The demo program of `make run` (floor 5: it builds across every app, so it sits on top)."""
