"""Custom Rasa graph components for Wegweiser's offline multilingual NLU.

Import as ``bot.nlu.<module>``; referenced from ``bot/config.yml`` by class path,
e.g. ``bot.nlu.tokenizer.WegweiserTokenizer``.
"""
