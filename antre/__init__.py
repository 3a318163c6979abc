"""Antre: queue and online-service system for Indonesian public-service offices."""
