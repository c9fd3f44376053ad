"""Interpretable cells (note 003, concept S14; Karpathy et al., 2015).

A character model trained on source code can grow single cells that track
quotes, comments or the position in a line. Here the claim is measured, not
assumed: record every cell of a trained TextGenerator over a code snippet,
label each character with features computed by Python's own tokenizer
(inside a string, inside a comment, column, indentation), and rank the cells
by their correlation with each feature. `render_activations` draws the text
coloured by one cell, in the style of the char-rnn figures.
"""

from __future__ import annotations

import io
import tokenize

import numpy as np

from zoo.errors import InputError

FEATURES = ("in_string", "in_comment", "column", "indentation")


def code_features(text: str) -> dict:
    """Per-character features of Python source `text` (arrays of `len(text)`).

    `in_string` and `in_comment` come from `tokenize` (tokens up to the
    first tokenizer error, so a snippet cut mid-string is still labelled up
    to there); `column` is the position in the line and `indentation`
    the width of the line's leading whitespace.
    """
    n = len(text)
    line_starts = np.concatenate([[0], np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), np.uint32) == 10) + 1])
    in_string = np.zeros(n, np.float32)
    in_comment = np.zeros(n, np.float32)

    def offset(row, col):
        return int(line_starts[row - 1]) + col if row - 1 < len(line_starts) else n

    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)) or tok.type == getattr(
                tokenize, "FSTRING_MIDDLE", -1
            ):
                in_string[offset(*tok.start) : offset(*tok.end)] = 1
            elif tok.type == tokenize.COMMENT:
                in_comment[offset(*tok.start) : offset(*tok.end)] = 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    column = np.zeros(n, np.float32)
    indentation = np.zeros(n, np.float32)
    for start, end in zip(line_starts, list(line_starts[1:]) + [n + 1], strict=True):
        line = text[start : end - 1] if end <= n else text[start:]
        width = len(line) - len(line.lstrip(" \t"))
        stop = min(end, n)
        column[start:stop] = np.arange(stop - start)
        indentation[start:stop] = width
    return {"in_string": in_string, "in_comment": in_comment, "column": column, "indentation": indentation}


def record_cells(model, text: str, layer: int = -1, state: str = "c") -> np.ndarray:
    """Activations `(len(text), units)` of one recurrent layer of a TextGenerator over `text`.

    `state` is `"c"` (the LSTM's cell state) or `"h"` (the hidden
    state; the only one for GRU and simple RNN). Entry t is the state after
    reading character t.
    """
    from keras import ops

    from zoo.data.vocab import TextCodec

    if state not in ("c", "h"):
        raise InputError(f"state must be 'c' or 'h', got {state!r}.")
    if state == "c" and model.cell != "lstm":
        raise InputError(f"A {model.cell} layer has no cell state c; use state='h'.")
    layer = layer % model.num_layers
    ids = TextCodec(model.vocabulary).encode(text)
    states = [[ops.zeros((1, model.units)) for _ in range(model.state_size)] for _ in range(model.num_layers)]
    pick = 1 if state == "c" else 0
    out = np.zeros((len(ids), model.units), np.float32)
    for t, token in enumerate(ids):
        _, states = model.step(ops.convert_to_tensor([int(token)]), states)
        out[t] = ops.convert_to_numpy(states[layer][pick])[0]
    return out


def correlate(activations, features) -> dict:
    """Pearson correlation of every cell with every feature: `{feature: (units,) array}`."""
    a = activations - activations.mean(axis=0)
    a_norm = np.sqrt((a**2).sum(axis=0)) + 1e-12
    out = {}
    for name, values in features.items():
        f = values - values.mean()
        out[name] = (a * f[:, None]).sum(axis=0) / (a_norm * (np.sqrt((f**2).sum()) + 1e-12))
    return out


def top_cells(correlations, k: int = 3) -> dict:
    """`{feature: [(cell, r), ...]}`: the `k` cells with the largest |r| for each feature."""
    return {name: [(int(i), float(r[i])) for i in np.argsort(-np.abs(r))[:k]] for name, r in correlations.items()}


def render_activations(text, values, ax=None, width=80, title=None):
    """Draw `text` with each character on a background coloured by `values` (red high, blue low)."""
    import matplotlib.pyplot as plt

    values = np.asarray(values, dtype=float)
    lim = np.abs(values).max() or 1.0
    rows, cols = [], []
    r = c = 0
    for ch in text:
        rows.append(r)
        cols.append(c)
        if ch == "\n" or c == width - 1:
            r, c = r + 1, 0
        else:
            c += 1
    n_rows = r + 1
    if ax is None:
        _, ax = plt.subplots(figsize=(width * 0.11, n_rows * 0.2 + 0.4))
    cmap = plt.get_cmap("coolwarm")
    for ch, v, rr, cc in zip(text, values, rows, cols, strict=True):
        ax.add_patch(plt.Rectangle((cc, -rr - 1), 1, 1, color=cmap(0.5 + 0.5 * v / lim), lw=0))
        if ch not in "\n\t ":
            ax.text(cc + 0.5, -rr - 0.5, ch, ha="center", va="center", fontsize=7, family="monospace")
    ax.set_xlim(0, width)
    ax.set_ylim(-n_rows, 0)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return ax
