"""Parsers for one cell's text: numbers, periods, segments, regions, NIKs, denominator kinds. No files, no Dagster."""
