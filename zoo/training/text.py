"""Training a language model (`text_generator`, `transformer_lm`) on a text corpus, resumable after a kill.

With an output folder, a run writes there what `zoo.training.fit.fit_resumable`
writes (the manifest, the checkpoint in `zoo-checkpoint/` after every epoch,
`history.json`, `model.keras` at the end), and also:

- `vocabulary.json`: the token list, written first and reused on resume;
- `curve.png`: the learning curve, in bits per token.

Killing a run (even with SIGKILL) and starting it again with the same
arguments and folder resumes after the last finished epoch.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from zoo.data.text import BUILTIN_CORPORA, DEFAULT_CHAR_VOCABULARY, load_corpus
from zoo.data.vocab import TextCodec, char_vocabulary, word_vocabulary
from zoo.data.windows import text_streams, text_windows
from zoo.errors import InputError
from zoo.factory import create_model
from zoo.json_files import read_json, write_json_atomically
from zoo.registry import check_model_arguments, model_info
from zoo.run_folder import fingerprint, settings_of
from zoo.training.callbacks import (
    task_callbacks,
)
from zoo.training.carried_state import StateCarrier
from zoo.training.distribute import batch_replicas
from zoo.training.runs import RunOptions, TrainingResult, TrainingRun, checked_options
from zoo.validation import check_choice, check_positive_int, check_positive_number


def _vocabulary(corpus, tokens, max_tokens):
    if tokens == "word":
        return word_vocabulary(corpus.train, max_tokens=max_tokens or 20_000)
    if corpus.name in BUILTIN_CORPORA and max_tokens is None:
        return list(DEFAULT_CHAR_VOCABULARY)
    return char_vocabulary(corpus.train, max_tokens=max_tokens)


def text_vocabulary(corpus, tokens: str = "char", max_tokens: int | None = None) -> list:
    """The vocabulary `zoo train` uses for `corpus` (98 printable characters for built-in corpora)."""
    if tokens not in ("char", "word"):
        raise InputError(f"tokens must be 'char' or 'word', got {tokens!r}.")
    return _vocabulary(corpus, tokens, max_tokens)


def text_recipe(model_name: str = "text_generator"):
    """The registry's `TrainingRecipe` for a text model (defaults of zoo train and zoo tune)."""
    recipe = model_info(model_name).recipe
    if recipe is None or recipe.data != "text":
        raise InputError(f"{model_name} has no text training recipe in the registry.")
    return recipe


def default_carry_state(model_name: str) -> bool:
    """`carry_state`'s default in `zoo train` and `zoo tune`: a recurrent language model (registry
    family `"rnn"`) reads the text as continuous streams and carries its states from one window to the
    next; any other (a `transformer_lm`) reads shuffled windows."""
    return model_info(model_name).family == "rnn"


def train_text_generator(
    corpus: str = "stdlib",
    *,
    options: RunOptions | None = None,
    tokens: str = "char",
    max_tokens: int | None = None,
    max_chars: int | None = 2_000_000,
    seq_len: int | None = None,
    batch_size: int | None = None,
    steps_per_epoch: int = 200,
    validation_steps: int = 20,
    learning_rate: float | None = None,
    clipnorm: float | None = 1.0,
    carry_state: bool | None = None,
    model_name: str = "text_generator",
    **model_args: object,
) -> TrainingResult:
    """Train a `text_generator` (or another language model) on `corpus`.

    Args:
        corpus: `"stdlib"`, `"pydoc"`, a path, or a `zoo.data.TextCorpus`.
        options: the run's `zoo.training.RunOptions`: the budget (an epoch is
            `steps_per_epoch` batches; with only `minutes`, training runs until the
            time is up), the folder, the seed (of the weights and the data order)...
            A run restarted on its folder resumes with the weights, the optimizer,
            the epoch, the learning-rate schedule and the position in the training
            text where the last finished epoch left them.
        tokens: `"char"` or `"word"` tokens.
        max_tokens: cap on the vocabulary size (default: 98 printable
            characters for built-in corpora, every character of other
            corpora, 20,000 words).
        max_chars: read at most this many characters of the corpus.
        seq_len: window length in tokens (default: the registry's recipe,
            `zoo.model_info("text_generator").recipe`).
        batch_size: windows (or streams) per batch (default: the recipe's).
        steps_per_epoch: batches per epoch.
        validation_steps: validation batches per epoch.
        learning_rate: Adam's step size (default: the recipe's).
        clipnorm: gradient-norm clipping (note 003's remedy for exploding gradients).
        carry_state: read the text as `batch_size` continuous streams and
            carry the recurrent states from batch to batch (truncated
            backpropagation through time, as char-rnn trains), for training
            and validation alike; `False` trains on shuffled independent
            windows that each start from zero states. Default: `True` for
            recurrent models, `False` for a `transformer_lm` (which has no
            state to carry).
        model_name: the registered language model to train
            (`"text_generator"` or `"transformer_lm"`); its registry
            recipe gives the defaults.
        **model_args: the model's arguments (text_generator: units,
            num_layers, cell, embedding_dim, dropout); unset ones come from
            the recipe's `model_defaults`.

    Returns:
        A `zoo.training.TrainingResult`. Each history row has the epoch's `loss`,
        `val_loss`, bits per token (`bpc`, `val_bpc`: bits per character for
        characters) and perplexity (`ppl`, `val_ppl`: the usual score for words);
        `scores` are the last epoch's validation figures (`val_loss`, `val_bpc`, `val_ppl`).

    Example:
        ```python
        result = zoo.train_text_generator("stdlib", options=RunOptions(epochs=1), steps_per_epoch=20)
        ```
    """
    options = checked_options(options, model_args, "train_text_generator")
    recipe = text_recipe(model_name)
    seq_len = recipe.seq_len if seq_len is None else seq_len
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    sizes = {"seq_len": seq_len, "batch_size": batch_size, "steps_per_epoch": steps_per_epoch,
             "validation_steps": validation_steps, "max_tokens": max_tokens}  # fmt: skip
    _check_text_arguments(tokens, sizes, learning_rate, clipnorm, carry_state)
    check_model_arguments(model_name, {**recipe.model_defaults, **model_args})

    if not hasattr(corpus, "train"):
        corpus = load_corpus(corpus, max_chars=max_chars)
    settings = {
        "trainer": "text",
        "model": model_name,
        "corpus": corpus.name,
        "data_sha256": fingerprint(corpus.train, corpus.validation),
        "tokens": tokens,
        "max_tokens": max_tokens,
        "seq_len": seq_len,
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
        "validation_steps": validation_steps,
        "learning_rate": learning_rate,
        "clipnorm": clipnorm,
        "carry_state": carry_state,
        "model_args": settings_of(model_args),
    }
    with TrainingRun(settings, options) as run:
        model_args = _with_vocabulary(run, corpus, tokens, max_tokens, {**recipe.model_defaults, **model_args})
        codec = TextCodec(model_args["vocabulary"])
        model = create_model(model_name, **model_args)
        model.build((None, seq_len))
        carry_state = _checked_carry_state(model, model_name, carry_state)
        train_ids, val_ids = codec.encode(corpus.train), codec.encode(corpus.validation)
        data = text_training_data(train_ids, val_ids, seq_len, batch_size, carry_state=carry_state, seed=options.seed)
        trainer = _compiled_trainer(run, model, data, batch_size, carry_state, learning_rate, clipnorm)
        # A resumed or continued run reads on from where the last finished epoch stopped in the text.
        start_batch = _start_batch(run, steps_per_epoch, options.verbose)
        rows = run.fit(
            trainer,
            data.train_from(start_batch),
            data.validation.take(validation_steps),
            steps_per_epoch=steps_per_epoch,
            extra_callbacks=task_callbacks("language-modeling", carry_state=carry_state),
            final_model=model,
        )
        scores = {key: rows[-1][key] for key in ("val_loss", "val_bpc", "val_ppl")} if rows else {}
        return run.result(model, rows, scores, curve=(("bpc", "val_bpc"), f"bits per {codec.unit}"))


def _check_text_arguments(tokens, sizes: dict, learning_rate, clipnorm, carry_state) -> None:
    """Check `train_text_generator`'s arguments before any work (`sizes`: positive integers by name;
    `max_tokens` may be `None`)."""
    check_choice("tokens", tokens, ("char", "word"))
    for name, value in sizes.items():
        check_positive_int(name, value, optional=name == "max_tokens")
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clipnorm", clipnorm, optional=True)
    check_choice("carry_state", carry_state, (None, True, False))


def _checked_carry_state(model, model_name, carry_state) -> bool:
    """`carry_state`, or the model's default when `None`; refused for a model without recurrent state."""
    if carry_state is None:
        carry_state = default_carry_state(model_name)
    if carry_state and not hasattr(model, "recurrent_layers"):
        raise InputError(f"carry_state=True needs a recurrent model; {model_name} has no state to carry.")
    return carry_state


def _start_batch(run, steps_per_epoch, verbose) -> int:
    """The batch of the training text a resumed or continued run reads on from (0 for a new run)."""
    start_batch = run.start_epoch() * steps_per_epoch
    if start_batch and verbose:
        print(f"resuming after epoch {start_batch // steps_per_epoch}: training text from batch {start_batch}")
    return start_batch


def _with_vocabulary(run, corpus, tokens, max_tokens, model_args: dict) -> dict:
    """`model_args` with a `vocabulary`: given, the run folder's own (a resumed or continued run), or made
    from `corpus` and saved in the folder. A model given `vocab_size` instead keeps it."""
    if "vocabulary" in model_args or "vocab_size" in model_args:
        return model_args
    folder = run.folder
    vocab_file = folder.path / "vocabulary.json" if folder is not None else None
    if vocab_file is not None and vocab_file.exists() and folder.mode != "start":
        return {**model_args, "vocabulary": read_json(vocab_file)}
    vocabulary = _vocabulary(corpus, tokens, max_tokens)
    if folder is not None:
        write_json_atomically(folder.file("vocabulary.json"), vocabulary)
    return {**model_args, "vocabulary": vocabulary}


def _compiled_trainer(run, model, data, batch_size, carry_state, learning_rate, clipnorm):
    """What `fit` trains, compiled: `model` itself, or a `StateCarrier` around it that carries its
    recurrent states across the `batch_size` streams of `data`."""
    trainer = StateCarrier(model, batch_size, eval_batch_size=data.eval_batch_size) if carry_state else model
    run.compile(trainer, "language-modeling", learning_rate, clipnorm=clipnorm)
    if carry_state:
        trainer.build_for_evaluation(data.validation)
    return trainer


def matched_units(target_params: int, model_name: str = "text_generator", low: int = 1, high: int = 4096, **model_args):
    """The `units` that give `model_name` the parameter count closest to `target_params`.

    The other arguments (`vocabulary`, `num_layers`, ...) are fixed; the
    count grows with `units`, so a bisection finds it. The bisection's upper
    end is found by doubling from `low` first, so that only sizes up to about
    twice the answer are built (a two-layer LSTM of 4096 units takes seconds to
    initialise).
    """

    @functools.cache  # the bisection's two ends are counted again at the end
    def count(units):
        model = create_model(model_name, units=units, **model_args)
        model.build((None, 8))
        return model.count_params()

    step = 1
    while low + step < high and count(low + step) <= target_params:
        low, step = low + step, 2 * step
    high = min(low + step, high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if count(middle) <= target_params else (low, middle)
    return min((low, high), key=lambda u: abs(count(u) - target_params))


def train_transformer_lm(corpus="stdlib", **kwargs):
    """Train a `transformer_lm`: `train_text_generator` with `model_name="transformer_lm"`."""
    return train_text_generator(corpus, model_name="transformer_lm", **kwargs)


@dataclasses.dataclass
class TextTrainingData:
    """The `tf.data` pipelines of a text run: `train_from(batch)` and `validation`.

    `train` is one pass over the training text (`steps` batches);
    `train_from(k)` repeats it forever starting at its `k`-th batch (modulo
    `steps`), which is how a resumed run continues where it stopped.
    """

    train: Any
    validation: Any
    steps: int
    eval_batch_size: int

    def train_from(self, batch: int = 0):
        return self.train.repeat().skip(batch % self.steps)


def text_training_data(train_ids, val_ids, seq_len, batch_size, *, carry_state=True, seed=0) -> TextTrainingData:
    """The training and validation pipelines `zoo train` and `zoo tune` use for token ids.

    With `carry_state` the text is read as `batch_size` continuous streams
    (validation as up to `batch_size` streams: a short validation text gets
    fewer rather than none); otherwise as shuffled independent windows.
    """
    if carry_state:
        split = batch_replicas()  # every replica of a MirroredStrategy takes an equal share of the streams
        eval_batch_size = max(split, min(batch_size, (len(val_ids) - 1) // seq_len) // split * split)
        train = text_streams(train_ids, seq_len, batch_size)
        validation = text_streams(val_ids, seq_len, eval_batch_size)
        steps = (len(train_ids) - 1) // (batch_size * seq_len)
    else:
        eval_batch_size = batch_size
        train = text_windows(train_ids, seq_len, batch_size, seed=seed)
        validation = text_windows(val_ids, seq_len, batch_size, shuffle=False)
        steps = -(-((len(train_ids) - 1) // seq_len) // batch_size)
    return TextTrainingData(train, validation, steps, eval_batch_size)
