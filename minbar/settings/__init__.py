"""Settings per environment: base, dev (the demo), test and production."""
