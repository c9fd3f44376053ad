"""Training: one toolkit that `zoo train`, `zoo tune` and the Python trainers share.

- `zoo.training.callbacks`: the time budget, the learning-rate schedule, per-epoch figures and
  the history file, assembled by `task_callbacks` and `budget_callbacks`;
- `zoo.training.runs`: the one skeleton every trainer follows: `RunOptions` (budget, folder,
  seed, verbosity, callbacks), `TrainingRun` (folder, seed, compile, fit, curve) and the
  `TrainingResult` every trainer returns;
- `zoo.training.fit`: `fit_resumable` (a budgeted `model.fit` that resumes after a kill)
  and what a run folder records; `zoo.training.compiling`: `compile_for_task`;
- one trainer module per kind of data: `zoo.training.text` (language models),
  `zoo.training.images` (image classifiers), `zoo.training.scenes` (segmenters, detectors);
- `zoo.training.carried_state` (LSTM states carried across windows) and
  `zoo.training.distribute` (every local device, or CPU cores split into devices).

The names below are loaded on first use: `import zoo.training` does not import Keras.
"""

from zoo.lazy_exports import lazy_exports

_HOMES = {
    "callbacks": ("BudgetProgbar", "EpochLog", "LinearDecay", "TimeLimit", "TokenMetrics", "budget_callbacks",
                  "task_callbacks"),
    "compiling": ("compile_for_task",),
    "fit": ("check_budget", "fit_resumable", "history_column", "read_history"),
    "text": ("text_recipe", "text_training_data", "text_vocabulary", "train_text_generator", "train_transformer_lm"),
    "images": ("train_image_classifier",),
    "scenes": ("train_detector", "train_segmenter"),
    "tasks": ("train_task",),
    "runs": ("RunOptions", "TrainingResult", "TrainingRun"),
}  # fmt: skip

__getattr__, __dir__, __all__ = lazy_exports(
    __name__, {name: f"zoo.training.{module}" for module, names in _HOMES.items() for name in names}
)
