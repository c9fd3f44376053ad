"""Attention from its equations (note 002, A1-A6) against NumPy and keras.layers.MultiHeadAttention."""

import keras
import numpy as np
import pytest

from zoo.layers import (
    MultiHeadAttention,
    PositionEmbedding,
    SinusoidalPositionalEncoding,
    TransformerDecoderBlock,
    TransformerEncoderBlock,
    scaled_dot_product_attention,
    sinusoidal_encoding,
)

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

RNG = np.random.default_rng(0)


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_scaled_dot_product_attention_by_hand():
    q, k, v = (RNG.standard_normal((2, 4, s)).astype("float32") for s in (3, 3, 5))
    k = RNG.standard_normal((2, 6, 3)).astype("float32")
    v = RNG.standard_normal((2, 6, 5)).astype("float32")
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(3)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out, w = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(numpy(w), weights, atol=1e-6)
    np.testing.assert_allclose(numpy(out), weights @ v, atol=1e-5)


def test_causal_and_padding_masks():
    x = RNG.standard_normal((1, 5, 4)).astype("float32")
    out, w = scaled_dot_product_attention(x, x, x, causal=True)
    w = numpy(w)[0]
    assert np.all(np.triu(w, 1) == 0) and np.allclose(w.sum(-1), 1)
    np.testing.assert_allclose(numpy(out)[0, 0], x[0, 0], atol=1e-6)  # the first query sees only itself
    keep = np.array([[[True, True, True, False, False]]])  # (batch, 1, S): the last two keys are padding
    out1, w1 = scaled_dot_product_attention(x, x, x, mask=keep)
    changed = x.copy()
    changed[:, 3:] = 100.0
    out2, _ = scaled_dot_product_attention(x, changed, changed, mask=keep)
    assert np.all(numpy(w1)[..., 3:] == 0)
    np.testing.assert_allclose(numpy(out1), numpy(out2), atol=1e-5)  # padded keys and values change nothing


@pytest.mark.parametrize("masking", ["none", "mask", "causal"])
def test_multi_head_attention_equals_keras(masking):
    """Same variables in the same layout: Keras's weights copy into ours and the outputs agree to 1e-5."""
    query = RNG.standard_normal((2, 6, 8)).astype("float32")
    value = RNG.standard_normal((2, 6 if masking == "causal" else 7, 10)).astype("float32")
    theirs = keras.layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    ours = MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    kwargs = {}
    if masking == "mask":
        kwargs["attention_mask"] = RNG.random((2, 6, 7)) > 0.3
    if masking == "causal":
        kwargs["use_causal_mask"] = True
    expected, expected_w = theirs(query, value, return_attention_scores=True, **kwargs)
    ours(query, value, **kwargs)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    got, got_w = ours(query, value, return_attention_scores=True, **kwargs)
    np.testing.assert_allclose(numpy(got), numpy(expected), atol=1e-5)
    np.testing.assert_allclose(numpy(got_w), numpy(expected_w), atol=1e-5)


def test_sinusoidal_encoding_formula_and_relative_positions():
    pe = sinusoidal_encoding(50, 16)
    assert pe[7, 4] == pytest.approx(np.sin(7 / 10000 ** (4 / 16)))
    assert pe[7, 5] == pytest.approx(np.cos(7 / 10000 ** (4 / 16)))
    # The dot product of two codes depends only on their distance.
    assert pe[3] @ pe[10] == pytest.approx(pe[20] @ pe[27], rel=1e-5)
    layer = SinusoidalPositionalEncoding(max_length=50)
    np.testing.assert_allclose(numpy(layer(np.zeros((2, 9, 16), "float32")))[1], pe[:9], atol=1e-6)


def test_learned_position_embedding_is_trainable():
    layer = PositionEmbedding(max_length=12)
    y = numpy(layer(np.zeros((1, 5, 4), "float32")))
    assert y.shape == (1, 5, 4) and len(layer.trainable_weights) == 1
    np.testing.assert_allclose(y[0], numpy(layer.embeddings)[:5])


def test_encoder_block_causality_and_padding():
    x = RNG.standard_normal((1, 6, 8)).astype("float32")
    causal = TransformerEncoderBlock(num_heads=2, ff_dim=16, causal=True)
    later = x.copy()
    later[:, 4:] += 5.0
    np.testing.assert_allclose(numpy(causal(x))[:, :4], numpy(causal(later))[:, :4], atol=1e-5)
    block = TransformerEncoderBlock(num_heads=2, ff_dim=16)
    real = np.array([[True] * 4 + [False] * 2])
    out, weights = block(x, padding_mask=real, return_attention_scores=True)
    out2 = block(later, padding_mask=real)
    np.testing.assert_allclose(numpy(out)[:, :4], numpy(out2)[:, :4], atol=1e-5)
    assert numpy(weights).shape == (1, 2, 6, 6) and np.all(numpy(weights)[..., 4:] == 0)
    with pytest.raises(ValueError, match="width 8 must be divisible by num_heads=3"):
        TransformerEncoderBlock(num_heads=3, ff_dim=4)(x)


def test_blocks_save_and_load(tmp_path):
    tokens = keras.Input((None, 8))
    memory = keras.Input((None, 8))
    h = SinusoidalPositionalEncoding(max_length=32)(tokens)
    h = TransformerEncoderBlock(num_heads=2, ff_dim=16)(h)
    h = TransformerDecoderBlock(num_heads=2, ff_dim=16)(h, memory)
    model = keras.Model([tokens, memory], h)
    x = [RNG.standard_normal((2, 5, 8)).astype("float32"), RNG.standard_normal((2, 7, 8)).astype("float32")]
    model.save(tmp_path / "blocks.keras")
    loaded = keras.saving.load_model(tmp_path / "blocks.keras", safe_mode=True)
    np.testing.assert_allclose(numpy(loaded(x)), numpy(model(x)), atol=1e-6)
