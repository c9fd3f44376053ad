"""TransformerLM's argument checks that need no Keras, and the names of its position codes.

Its builder runs the check first; the registry lists it in the model's `checks`
(`zoo.models.transformer.metadata`), so the command line refuses a bad value
before it imports Keras.
"""

from __future__ import annotations

from zoo.errors import InputError
from zoo.resources import check_training_size
from zoo.validation import check_positive_int, check_rate

#: Learned position vectors (PositionEmbedding) or fixed sinusoidal codes (SinusoidalPositionalEncoding).
POSITIONAL = ("learned", "sinusoidal")


def check_transformer_lm(*, max_length, embed_dim, num_heads, ff_dim, num_layers, dropout, positional) -> None:
    """The context, the sizes (`embed_dim` split evenly over the heads), dropout and position codes."""
    for arg, value in (
        ("max_length", max_length),
        ("embed_dim", embed_dim),
        ("num_heads", num_heads),
        ("ff_dim", ff_dim),
        ("num_layers", num_layers),
    ):
        check_positive_int(arg, value)
    if embed_dim % num_heads:
        raise InputError(f"embed_dim={embed_dim} must be divisible by num_heads={num_heads}.")
    if positional not in POSITIONAL:
        raise InputError(f"positional must be one of {sorted(POSITIONAL)}, got {positional!r}.")
    check_rate("dropout", dropout)
    per_block = 4 * embed_dim * embed_dim + 2 * embed_dim * ff_dim  # attention's four projections, the MLP
    check_training_size(
        f"transformer_lm with embed_dim={embed_dim}, num_layers={num_layers}",
        num_layers * per_block + (max_length + 2 * 256) * embed_dim,
    )
