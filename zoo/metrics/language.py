"""Bits per token and perplexity, from a mean cross-entropy in nats (the loss Keras reports).

bits = nats / ln 2; perplexity = exp(nats) = 2 ** bits.
"""

from __future__ import annotations

import math

# exp overflows a float past about 709.78; a loss that high means a diverged run.
_LARGEST_EXPONENT = 700.0


def bits_from_nats(nats: float) -> float:
    """A cross-entropy in nats, in bits (bits per character for a character model)."""
    return float(nats) / math.log(2.0)


def perplexity_from_nats(nats: float) -> float:
    """`exp(nats)`, the perplexity of a mean cross-entropy in nats (capped at exp(700))."""
    return math.exp(min(float(nats), _LARGEST_EXPONENT))
