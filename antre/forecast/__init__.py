"""Wait-time forecasting: the queue event log (SPEC §7), a predictor that learns from it, the
classic estimators it is measured against, replay and evaluation, and an office-day simulator.

Pure Python, no Django: the command line runs it on CSV files, and the live pages feed it the
queue as it stands (antre.queueing.forecasting).
"""
