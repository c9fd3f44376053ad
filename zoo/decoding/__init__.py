"""Decoding: sampling and generation for language models, greedy and beam search for
conditional sequence models (translation, captioning).

- `zoo.decoding.generation`: `zoo.generate` and `generate_ids`, temperature, top-k and
  top-p sampling, compiled per backend (one XLA function on TensorFlow, `jax.lax.while_loop`
  on JAX);
- `zoo.decoding.conditional`: greedy and beam search that step zoo's LSTM decoders with
  carried states and batch beam search across rows and beams.

Importing this package imports Keras.
"""

from zoo.decoding.conditional import LSTMStepper, PrefixStepper, beam_decode, greedy_decode, stepper

__all__ = ["LSTMStepper", "PrefixStepper", "beam_decode", "greedy_decode", "stepper"]
