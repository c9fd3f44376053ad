"""Text: language models (text_generator, char_rnn, transformer_lm) on a corpus (`zoo.training.text`)."""

from __future__ import annotations

from zoo.kinds import DataKind, Flag, budget_text, flag_value, or_recipe, run_options, saved_line
from zoo.validation import fraction_arg, int_at_least, non_negative_int_arg, positive_int_arg, temperature_arg

#: Builder arguments given by their own flags: `(flag, builder argument)`.
MODEL_FLAGS = (("units", "units"), ("layers", "num_layers"), ("cell", "cell"), ("embedding_dim", "embedding_dim"),
               ("dropout", "dropout"))  # fmt: skip


class TextKind(DataKind):
    """A language model read from a text corpus, in windows or in streams that carry state."""

    name = "text"
    flags = (
        Flag("corpus", "stdlib", "stdlib, pydoc, or a file, folder or glob", reads_data=True),
        Flag("max_chars", 2_000_000, "read at most this many characters", int_at_least(2), reads_data=True),
        Flag("tokens", "char", "character or word tokens", choices=("char", "word"), reads_data=True),
        Flag("max_tokens", None, "vocabulary size cap", positive_int_arg, reads_data=True),
        Flag("units", None, "hidden units per recurrent layer", positive_int_arg),
        Flag("layers", None, "number of stacked recurrent layers", positive_int_arg),
        Flag("cell", None, "recurrent cell", choices=("lstm", "gru", "rnn")),
        Flag("embedding_dim", None, "embedding size", positive_int_arg),
        Flag("dropout", None, "dropout after each recurrent layer", fraction_arg),
        Flag("seq_len", None, "training window length (default: the recipe)", positive_int_arg),
        Flag(
            "no_carry_state",
            False,
            "train on shuffled independent windows instead of continuous streams whose recurrent state carries "
            "from batch to batch (truncated backpropagation through time)",
            switch=True,
        ),
        Flag("validation_steps", 20, "validation batches per epoch", positive_int_arg, commands=("tune",)),
        Flag("prompt", "def ", "prompt for the sample printed at the end", commands=("train",)),
        Flag("sample_length", 300, "sample length", non_negative_int_arg, commands=("train",)),
        Flag("temperature", 0.8, "sampling temperature", temperature_arg, commands=("train",)),
    )

    def model_args(self, args, overrides: dict) -> dict:
        """`--units`, `--layers`, `--cell`, `--embedding-dim`, `--dropout`, then `--set`."""
        given = {arg: getattr(args, flag) for flag, arg in MODEL_FLAGS if getattr(args, flag) is not None}
        return {**given, **overrides}

    def check(self, args, recipe) -> None:
        """A `--corpus` that names no readable text files is refused before TensorFlow starts."""
        from zoo.data.text import check_corpus

        check_corpus(args.corpus)

    def data_args(self, args, recipe) -> dict:
        """How the text flags shape the data, the same for `zoo train` and `zoo tune` (unset: the recipe)."""
        return {
            "tokens": args.tokens,
            "max_tokens": args.max_tokens,
            "max_chars": args.max_chars,
            "seq_len": or_recipe(args, recipe, "seq_len"),
            "batch_size": or_recipe(args, recipe, "batch_size"),
            "steps_per_epoch": args.steps_per_epoch,
            "carry_state": False if args.no_carry_state else None,  # None: the model's own default
        }

    def train(self, args, recipe):
        """Train with `zoo.training.text.train_text_generator`, then print its score and a sample."""
        from zoo.decoding.generation import generate
        from zoo.training.text import train_text_generator

        print(
            f"training {args.model} on {args.corpus!r} for {budget_text(args)} (epochs of {args.steps_per_epoch} "
            f"batches); output in {args.out}",
            flush=True,
        )
        result = train_text_generator(
            args.corpus,
            options=run_options(args),
            model_name=args.model,
            learning_rate=or_recipe(args, recipe, "learning_rate"),
            clipnorm=args.clipnorm,
            **self.data_args(args, recipe),
            **args.model_args,
        )
        if result.history:
            last = result.history[-1]
            score = f"{last['val_bpc']:.3f} bits per character" if args.tokens == "char" else (
                f"perplexity {last['val_ppl']:.1f}")  # fmt: skip
            print(f"\nvalidation: {score} after {last['epoch']} epochs")
        print(saved_line(args.out))
        text = generate(result.model, args.prompt, args.sample_length, temperature=args.temperature, seed=args.seed)
        print(f"\n--- sample (temperature {args.temperature}) ---\n{args.prompt}{text}")
        return result

    def epoch_metrics(self, model_name: str, model_args: dict, data: str | None = None) -> dict:
        """Bits per token on the validation text (`zoo.training.callbacks.TokenMetrics`)."""
        return {"val_bpc": "min"}

    def search_data(self, args, recipe, fixed: dict):
        """The corpus read as `zoo train` reads it (`zoo.tune.searching.text_search_data`)."""
        from zoo.tune.searching import text_search_data

        return text_search_data(
            args.corpus,
            **self.data_args(args, recipe),
            seed=args.seed,
            validation_steps=args.validation_steps,
            model_name=args.model,
        )

    def held_out_scorer(self, model_name: str, train_args: tuple):
        """Bits per character on the corpus's validation split, in windows of 128 (`zoo.training.held_out`)."""
        import functools

        from zoo.training.held_out import text_bits

        return functools.partial(text_bits, corpus=flag_value(self, train_args, "corpus"))

    def data_label(self, args, recipe) -> str:
        """The corpus."""
        return args.corpus


KINDS = (TextKind(),)
