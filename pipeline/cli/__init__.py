"""Command-line entry points: `python -m pipeline.cli.run` (make run / refresh) and `python -m pipeline.cli.ui` (make ui)."""
