"""The decoder-only Transformer language model (note 002)."""
