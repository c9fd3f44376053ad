"""The training recipes and search ranges that several model families share.

A recipe (`TrainingRecipe`) is how `zoo train`
and `zoo tune` train a kind of model; a family's `metadata.py` names the
one its models use. Its `data` names the kind of data (`zoo.kinds`),
which owns the trainer and the search data, so reading a recipe imports nothing.
"""

from zoo.registry.entries import TrainingRecipe

# Search-space declarations (see zoo.tune.spaces): "values" is a choice,
# "min"/"max" (with "step" or "sampling") a range.
LEARNING_RATE = {"min": 1e-4, "max": 1e-2, "sampling": "log"}

IMAGE_RECIPE = TrainingRecipe(
    data="images",
    batch_size=64,
    learning_rate=2e-3,
    data_arguments=("input_shape", "num_classes", "classes"),
)


def task_recipe(data: str, make_data: str, *, batch_size: int, learning_rate: float, model_defaults=None):
    """The recipe of a sequence task trained by `zoo.training.tasks.train_task` and searched on the same
    data (`zoo.tune.searching.task_search_data`); `make_data` names the task's data maker in
    `zoo.training.tasks`."""
    return TrainingRecipe(
        data=data,
        make_data=make_data,
        batch_size=batch_size,
        learning_rate=learning_rate,
        model_defaults=dict(model_defaults or {}),
    )
