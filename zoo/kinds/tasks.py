"""The sequence tasks' own data: reviews, dates, clips, captions, series and note 003's 'hello'
(`zoo.training.tasks`). Each model's recipe names its task's data maker there."""

from __future__ import annotations

from zoo.errors import InputError
from zoo.kinds import DataKind, Flag, budget_text, or_recipe, run_options, saved_line
from zoo.validation import positive_int_arg

#: The sequence tasks' kinds of data, each made offline by its own maker in `zoo.training.tasks`.
TASK_DATA = ("reviews", "dates", "clips", "captions", "series", "hello")
#: The headline score each task's maker puts first (`TaskData.score`, logged as `val_<name>` every epoch), with
#: its direction; a per-frame video model scores `frame_accuracy` instead of `clip_accuracy`.
HEADLINES = {
    "reviews": ("accuracy", "max"),
    "dates": ("exact_match", "max"),
    "clips": ("clip_accuracy", "max"),
    "captions": ("bleu4", "max"),
    "series": ("mae_sunspots", "min"),
    "hello": ("char_accuracy", "max"),
}


#: The flags of the kinds that read your own files too (`zoo.data.task_files`, `zoo.training.tasks.FILE_MAKERS`).
FILE_FLAGS = {
    "reviews": (
        Flag("data", None, "your own texts: a CSV/TSV with text and label columns, or a folder of class "
             "subfolders of .txt files", reads_data=True),  # fmt: skip
        Flag("text_column", None, "your own CSV/TSV: the text column (default: text, review, sentence...)",
             reads_data=True, commands=("train", "tune", "evaluate")),  # fmt: skip
        Flag("label_column", None, "your own CSV/TSV: the label column (default: label, sentiment, class...)",
             reads_data=True, commands=("train", "tune", "evaluate")),  # fmt: skip
    ),
    "dates": (Flag("data", None, "your own translation pairs: a tab-separated file of source<TAB>target lines",
                   reads_data=True),),  # fmt: skip
    "series": (
        Flag("data", None, "your own series: a CSV file with a header, one row per time step", reads_data=True),
        Flag("series_column", None, "your own CSV: the series' column (default: the last)", reads_data=True,
             commands=("train", "tune", "evaluate")),  # fmt: skip
    ),
}
#: Each file flag's argument of `zoo.data.task_files`' readers.
READER_ARGUMENTS = {"text_column": "text_column", "label_column": "label_column", "series_column": "column"}


class TaskKind(DataKind):
    """A sequence task trained by `zoo.training.tasks.train_task` on data it makes itself, or, for the kinds of
    `FILE_FLAGS`, on your own file (`--data`)."""

    def __init__(self, name: str):
        self.name = name
        self.flags = (
            Flag("train_examples", None, "training examples to make (default: the task's own)", positive_int_arg,
                 reads_data=True),  # fmt: skip
            *FILE_FLAGS.get(name, ()),
        )

    def data_options(self, args) -> dict:
        """The column names given for your own file, as `zoo.data.task_files`' readers take them."""
        return {READER_ARGUMENTS[k]: getattr(args, k) for k in READER_ARGUMENTS if getattr(args, k, None) is not None}

    def check(self, args, recipe) -> None:
        """Read your own file (`--data`) before TensorFlow starts, so a bad file or column is refused at once; refuse
        the column flags without it."""
        from zoo.data.task_files import READERS

        options = self.data_options(args)
        if getattr(args, "data", None) is None:
            if options:
                raise InputError(f"{', '.join('--' + k.replace('_', '-') for k in options)} name columns of your "
                                 f"own file; give it with --data.")  # fmt: skip
            return
        read = READERS[self.name](args.data, **options)
        skipped = getattr(read, "skipped", ())
        if skipped:
            print(f"skipped {len(skipped)} file(s) that are not .txt files: {', '.join(skipped[:3])}", flush=True)

    def train(self, args, recipe):
        """Train with `zoo.training.tasks.train_task`; print the validation headline and the test scores."""
        from zoo.training.tasks import train_task

        data = getattr(args, "data", None) or f"its {recipe.data} data"
        print(f"training {args.model} on {data} for {budget_text(args)}; output in {args.out}", flush=True)
        result = train_task(
            args.model,
            options=run_options(args),
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            train_examples=args.train_examples,
            data=getattr(args, "data", None),
            data_options=self.data_options(args),
            **args.model_args,
        )
        rows, scores = result.history, result.scores
        if rows:
            headline = "val_" + next(iter(scores))
            name = headline[4:].replace("_", " ")
            print(f"\nvalidation {name} {rows[-1][headline]:.4f} after {rows[-1]['epoch']} epochs")
        print("test: " + ", ".join(f"{k.replace('_', ' ')} {v:.4f}" for k, v in scores.items()))
        print(saved_line(args.out))
        return result

    def held_out_scorer(self, model_name: str, train_args: tuple):
        """The task's headline score on its test split (`zoo.training.held_out.task_score`)."""
        from zoo.training.held_out import task_score

        return task_score

    def _encoding(self, source) -> dict:
        """The encoding `source`'s run recorded (`encoding.json`), or refused for a kind that reads no files."""
        if self.name not in FILE_FLAGS:
            raise InputError(f"{source.model} is a model of the package's {self.name} data; zoo evaluate and zoo "
                             f"predict take models of {', '.join(FILE_FLAGS)} data and image classifiers.")  # fmt: skip
        encoding = source.encoding  # read once: a file beside the model, or a preset's card
        if encoding is None:
            raise InputError(f"{source.path} has no encoding.json beside it (the vocabularies or scaling its run "
                             f"read with): give the model.keras of a zoo train run folder.")  # fmt: skip
        return encoding

    def prepare_evaluation(self, args, source):
        """Your own file (`--data`), read and checked before TensorFlow starts; returns the run's encoding."""
        encoding = self._encoding(source)
        self.check(args, None)
        return encoding

    def evaluate(self, args, source, prepared) -> dict:
        """The task's scores (`zoo.training.tasks.file_evaluation_data`) on every example of `--data`, printed and
        written to `args.out` as `scores.json`."""
        from zoo.json_files import write_json_atomically
        from zoo.training.tasks import file_evaluation_data

        data = file_evaluation_data(source.model, args.data, prepared, self.data_options(args))
        scores = data.score(source.load(), "test")
        print(f"{source.path} on {data.description}: " + ", ".join(f"{k.replace('_', ' ')} {v:.4f}"
                                                                   for k, v in scores.items()))  # fmt: skip
        args.out.mkdir(parents=True)
        write_json_atomically(args.out / "scores.json", {"model": source.path, "data": str(args.data), **scores})
        print(f"written: {args.out / 'scores.json'}")
        return scores

    def prepare_prediction(self, args, source):
        """The texts to label or translate (`zoo.inference.text_inputs`) and the run's encoding."""
        from zoo.inference import text_inputs

        if self.name == "series":
            raise InputError(f"zoo predict labels texts and translates; score {source.model} on a series with zoo "
                             f"evaluate --data FILE.csv.")  # fmt: skip
        return text_inputs(args.inputs), self._encoding(source)

    def predict(self, args, source, prepared) -> list:
        """Each text's `--top-k` labels with their probabilities (`sentiment_rnn`), or its greedy translation
        (`seq2seq_attention`), printed."""
        from zoo.inference import label_texts, translate

        texts, encoding = prepared
        model = source.load()
        if self.name == "reviews":
            tops = label_texts(model, texts, encoding, args.top_k)
        else:
            tops = [[[found, None]] for found in translate(model, texts, encoding)]
        records = [{"input": text, "top": top} for text, top in zip(texts, tops, strict=True)]
        for r in records:
            print(f"{r['input']}: " + ", ".join(name if p is None else f"{name} {p:.3f}" for name, p in r["top"]))
        return records

    def epoch_metrics(self, model_name: str, model_args: dict, data: str | None = None) -> dict:
        """The task's headline on its validation split (`HEADLINES`, `zoo.training.tasks.ValidationScore`); a series
        of your own (`data`) is scored as `mae_series`, in its own units."""
        name, direction = HEADLINES[self.name]
        if self.name == "series" and data is not None:
            name = "mae_series"
        if self.name == "clips" and model_args.get("per_frame"):
            name = "frame_accuracy"
        return {f"val_{name}": direction}

    def search_data(self, args, recipe, fixed: dict):
        """The task's data, made and batched as `zoo train` does (`zoo.tune.searching.task_search_data`),
        at most `--steps-per-epoch` batches an epoch."""
        from zoo.tune.searching import task_search_data

        data = task_search_data(
            args.model,
            batch_size=or_recipe(args, recipe, "batch_size"),
            train_examples=args.train_examples,
            seed=args.seed,
            model_args=fixed,
            data=getattr(args, "data", None),
            data_options=self.data_options(args),
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
        return data


KINDS = tuple(TaskKind(name) for name in TASK_DATA)
