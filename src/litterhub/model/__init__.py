"""Canonical model: Arrow schemas for the lake tables and records for the catalog."""
