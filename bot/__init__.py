"""Wegweiser Rasa assistant: configuration and custom NLU components."""
