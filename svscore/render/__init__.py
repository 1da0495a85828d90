"""Renderers: turn check reports, threshold decisions and results into text, JSON and CSV."""
