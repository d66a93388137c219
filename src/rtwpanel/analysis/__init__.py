"""Evaluation on the marts: tables, figures, inference and report."""
