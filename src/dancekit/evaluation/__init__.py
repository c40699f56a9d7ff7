"""Metrics, cross-validation and reports (markdown + PNG) that reproduce the papers' tables."""
