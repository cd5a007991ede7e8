"""Arabic text for news: normalization, light stemming, name variants, dates.

Plain Python with no Django import, so that the search backends, the feeds,
the importers and the templates share one implementation, and so that each
rule can be tested from a table.
"""
