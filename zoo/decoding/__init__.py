"""Decoding: greedy and beam search for conditional sequence models (translation, captioning).

:mod:`zoo.decoding.conditional` steps zoo's LSTM decoders with carried
states and batches beam search across rows and beams. (Language-model
sampling and generation, ``zoo.generate``, are in :mod:`zoo.generation`.)
"""

from zoo.decoding.conditional import LSTMStepper, PrefixStepper, beam_decode, greedy_decode, stepper

__all__ = ["LSTMStepper", "PrefixStepper", "beam_decode", "greedy_decode", "stepper"]
