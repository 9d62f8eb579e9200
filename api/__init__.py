"""Wegweiser case API: intakes from the assistant become cases for KIM case managers."""
