"""Ingest: one reader per programme format, producing canonical records and a validation report."""
