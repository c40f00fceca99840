"""Free-text reports → located, typed events."""
