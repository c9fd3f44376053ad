"""The sequence tasks' own data: reviews, dates, clips, captions, series and note 003's 'hello'
(`zoo.training.tasks`). Each model's recipe names its task's data maker there."""

from __future__ import annotations

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


class TaskKind(DataKind):
    """A sequence task trained by `zoo.training.tasks.train_task` on data it makes itself."""

    flags = (Flag("train_examples", None, "training examples to make (default: the task's own)", positive_int_arg),)

    def __init__(self, name: str):
        self.name = name

    def train(self, args, recipe):
        """Train with `zoo.training.tasks.train_task`; print the validation headline and the test scores."""
        from zoo.training.tasks import train_task

        print(f"training {args.model} on its {recipe.data} data for {budget_text(args)}; output in {args.out}",
              flush=True)  # fmt: skip
        result = train_task(
            args.model,
            options=run_options(args),
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            train_examples=args.train_examples,
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

    def epoch_metrics(self, model_name: str, model_args: dict) -> dict:
        """The task's headline on its validation split (`HEADLINES`, `zoo.training.tasks.ValidationScore`)."""
        name, direction = HEADLINES[self.name]
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
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
        return data


KINDS = tuple(TaskKind(name) for name in TASK_DATA)
