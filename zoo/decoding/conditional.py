"""Decoding a conditional sequence model without teacher forcing: greedy and beam search.

Both take a model called as `model([condition, prefix])` that returns
(batch, T, vocab) next-token logits: the translation model (`condition` =
source ids) and the image captioner (`condition` = images).

For zoo's two such models, `seq2seq_attention` and `image_captioner`,
decoding steps the decoder's LSTM cell with its carried state (and, with
attention, one query against the encoder's states): the condition is
encoded once and each new token costs one step, where re-running the model
on the whole prefix costs the prefix's length. Beam search keeps every
row's beams in one batch. Any other model is decoded by re-running it on the
prefix (`PrefixStepper`), which gives the same tokens, more slowly.

Beam search follows the usual form (e.g. Sutskever et al., 2014): each of
the `beam_width` best prefixes proposes its `beam_width` best next
tokens; the best `beam_width` unfinished candidates go on, and a candidate
ending in `<end>` is finished. The answer is the best finished sequence
(the best unfinished one if none finished), by summed log-probability with
no length normalisation.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np

from zoo.tracing import tracing_by_design
from zoo.validation import check_positive_int

# Per trained model: its encoder and step models, built once (each new Keras model traces anew).
_PARTS = weakref.WeakKeyDictionary()


class PrefixStepper:
    """Next-token logits by re-running `model([condition, prefix])` on the whole prefix (any model)."""

    def __init__(self, model, conditions):
        self.model, self.conditions = model, conditions
        self.prefix = None

    def start(self, tokens):
        """Begin every row with `tokens` (batch,); returns that step's logits (batch, vocab)."""
        self.prefix = np.asarray(tokens, np.int32)[:, None]
        return self._logits()

    def step(self, tokens, rows=None):
        """Append `tokens` (after keeping only the prefixes `rows`, when given); returns the logits."""
        prefix = self.prefix if rows is None else self.prefix[rows]
        if rows is not None:
            self.conditions = _take(self.conditions, rows)
        self.prefix = np.concatenate([prefix, np.asarray(tokens, np.int32)[:, None]], axis=1)
        return self._logits()

    def _logits(self):
        out = self.model.predict_on_batch([self.conditions, self.prefix])
        return keras.ops.convert_to_numpy(out)[:, -1]


class LSTMStepper:
    """Next-token logits of zoo's LSTM decoders, one cell step at a time from carried `(h, c)`.

    Reads the trained model's own layers by name: `decoder` (an LSTM whose
    cell is stepped), `logits`, the word embedding, and for
    `seq2seq_attention` the `attention` and `attentional` layers over
    the `encoder`'s states. The step is one functional model of those
    layers, so each step is one compiled call (`predict_on_batch`).
    """

    def __init__(self, model, conditions):
        if model not in _PARTS:
            _PARTS[model] = _decoder_parts(model)
        encoder, self.step_model = _PARTS[model]
        first = [keras.ops.convert_to_numpy(t) for t in encoder.predict_on_batch(conditions)]
        if len(first) == 3:  # seq2seq_attention: the source's states, and its padding mask for attention
            self.memory = [first[0], np.asarray(conditions) != 0]
        else:  # image_captioner: the image's projection is the first state
            self.memory = []
        self.states = first[-2:]

    @staticmethod
    def supports(model) -> bool:
        """Whether `model` has the layers this stepper reads (zoo's seq2seq_attention and image_captioner)."""
        names = {layer.name for layer in model.layers}
        has_decoder = "decoder" in names and isinstance(model.get_layer("decoder"), keras.layers.LSTM)
        seq2seq = {"encoder", "target_embedding"} <= names and ("attention" not in names or "attentional" in names)
        captioner = {"word_embedding", "init_h", "init_c"} <= names
        return has_decoder and "logits" in names and (seq2seq or captioner)

    def start(self, tokens):
        """Begin every row with `tokens` (batch,); returns that step's logits (batch, vocab)."""
        return self._advance(tokens)

    def step(self, tokens, rows=None):
        """Feed `tokens` (after keeping only the states `rows`, when given); returns the logits."""
        if rows is not None:
            self.states = [s[rows] for s in self.states]
            self.memory = [m[rows] for m in self.memory]
        return self._advance(tokens)

    def _advance(self, tokens):
        outputs = self.step_model.predict_on_batch([np.asarray(tokens, np.int32), *self.states, *self.memory])
        logits, *self.states = (keras.ops.convert_to_numpy(t) for t in outputs)
        return logits


def _decoder_parts(model):
    """The trained model's encoder (condition -> [encoded,] h, c) and its one-step decoder
    (`[token (batch,), h, c, (encoded, source mask)] -> [logits, h, c]`), sharing its layers."""
    names = {layer.name for layer in model.layers}
    cell = model.get_layer("decoder").cell
    if "encoder" in names:
        embedding = model.get_layer("target_embedding")
        encoder = keras.Model(model.inputs[0], model.get_layer("encoder").output)
    else:
        embedding = model.get_layer("word_embedding")
        encoder = keras.Model(model.inputs[0], [model.get_layer("init_h").output, model.get_layer("init_c").output])
    token = keras.Input((), dtype="int32", name="token")
    h = keras.Input((cell.units,), name="h")
    c = keras.Input((cell.units,), name="c")
    x = keras.ops.take(embedding.embeddings, token, axis=0)  # the embedding's own table; no padding to mask
    output, states = cell(x, [h, c])
    inputs = [token, h, c]
    if "encoder" in names:
        encoded = keras.Input((None, cell.units), name="encoded")
        source_mask = keras.Input((None,), dtype="bool", name="source_mask")
        inputs += [encoded, source_mask]
        if "attention" in names:
            query = keras.ops.expand_dims(output, 1)
            context, _ = model.get_layer("attention")([query, encoded], mask=[None, source_mask])
            joined = keras.ops.concatenate([query, context], axis=-1)
            output = keras.ops.squeeze(model.get_layer("attentional")(joined), 1)
    logits = model.get_layer("logits")(output)
    return encoder, keras.Model(inputs, [logits, *states], name=f"{model.name}_step")


def stepper(model, conditions):
    """The fastest exact stepper for `model`: `LSTMStepper` where it applies, else `PrefixStepper`."""
    return (LSTMStepper if LSTMStepper.supports(model) else PrefixStepper)(model, conditions)


def _take(conditions, rows):
    return [c[rows] for c in conditions] if isinstance(conditions, list) else np.asarray(conditions)[rows]


def _log_softmax(logits):
    top = logits.max(-1, keepdims=True)
    return logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))


def greedy_decode(model, conditions, start_id: int, end_id: int, max_length: int) -> np.ndarray:
    """(batch, max_length) ids: feed the model its own most likely token at every step, from `<start>`.

    A row is padded with 0 after its `<end>`.
    """
    check_positive_int("max_length", max_length)
    with tracing_by_design():  # a step model per trained model
        return _greedy_decode(model, conditions, start_id, end_id, max_length)


def _greedy_decode(model, conditions, start_id, end_id, max_length):
    batch = len(conditions)
    out = np.zeros((batch, max_length), np.int32)
    done = np.zeros(batch, bool)
    steps = stepper(model, conditions)
    logits = steps.start(np.full(batch, start_id, np.int32))
    for step in range(max_length):
        token = np.where(done, 0, logits.argmax(-1)).astype(np.int32)
        out[:, step] = token
        done |= token == end_id
        if done.all() or step == max_length - 1:
            break
        logits = steps.step(token)
    return out


def beam_decode(model, conditions, start_id: int, end_id: int, max_length: int, beam_width: int = 3) -> np.ndarray:
    """(batch, max_length) ids of the most probable sequence among `beam_width` kept at every step.

    Every row's live beams are decoded together, in one batch per step.
    """
    check_positive_int("max_length", max_length)
    check_positive_int("beam_width", beam_width)
    with tracing_by_design():  # a step model per trained model, its batch shrinking with the live beams
        return _beam_decode(model, conditions, start_id, end_id, max_length, beam_width)


def _beam_decode(model, conditions, start_id, end_id, max_length, beam_width):
    batch = len(conditions)
    # Live beams, flattened across rows: their row, summed log-probability and tokens so far.
    rows = np.arange(batch)
    scores = np.zeros(batch)
    sequences = [[] for _ in range(batch)]
    finished = [[] for _ in range(batch)]
    steps = stepper(model, conditions)
    logp = _log_softmax(steps.start(np.full(batch, start_id, np.int32)))
    for step in range(max_length):
        keep, next_tokens, next_scores, next_sequences = [], [], [], []
        for row in range(batch):
            beams = np.nonzero(rows == row)[0]
            # Each beam's best tokens, beam by beam and in rising order, then by falling score (a stable
            # sort): the order in which candidates are taken.
            candidates = [
                (scores[k] + float(logp[k, tok]), k, int(tok))
                for k in beams
                for tok in np.argsort(logp[k])[-beam_width:]
            ]
            candidates.sort(key=lambda c: -c[0])
            taken = 0
            for score, k, tok in candidates:
                if tok == end_id:
                    finished[row].append((score, sequences[k] + [tok]))
                    continue
                keep.append(k)
                next_tokens.append(tok)
                next_scores.append(score)
                next_sequences.append(sequences[k] + [tok])
                taken += 1
                if taken == beam_width:
                    break
        if not keep:
            break
        rows, scores, sequences = rows[keep], np.array(next_scores), next_sequences
        if step == max_length - 1:
            break
        logp = _log_softmax(steps.step(np.array(next_tokens, np.int32), rows=np.array(keep)))
    live = [[] for _ in range(batch)]
    for row, score, seq in zip(rows, scores, sequences, strict=True):
        live[row].append((score, seq))
    results = np.zeros((batch, max_length), np.int32)
    for row in range(batch):
        best = max(finished[row] or live[row], key=lambda c: c[0])[1]
        results[row, : len(best)] = best[:max_length]
    return results
