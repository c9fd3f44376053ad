"""Registry entries of the forecasters (zoo.models.forecasting.forecasters); imports no Keras."""

from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset
from zoo.registry.recipes import LEARNING_RATE, task_recipe

MODELS = (
    ModelInfo(
        name="autoregressive_forecaster",
        task="forecasting",
        family="autoregressive",
        paper="Notes 001 and 002 (sequence models); d2l.ai, Sequence Models",
        description="Next value from the last tau values with an MLP (tau=1: Markov model; hidden_units=0: linear AR).",
        target="zoo.models.forecasting.forecasters:autoregressive_forecaster",
        input=InputSpec((4,)),
        contract=ContractConfig(overrides={}, input=InputSpec((4,)), output=(1,)),
        # tau is not searched: it sets the windows the data is cut into, which one search shares.
        tunable={
            "hidden_units": {"values": (0, 10, 32, 64)},
            "num_layers": {"values": (1, 2, 3)},
            "learning_rate": LEARNING_RATE,
        },
        recipe=task_recipe("series", "sunspots_data", batch_size=16, learning_rate=3e-3),
        checks=("zoo.models.forecasting.arguments:check_autoregressive_forecaster",),
    ),
    ModelInfo(
        name="latent_forecaster",
        task="forecasting",
        family="rnn",
        paper="Notes 001 and 002 (latent autoregressive model)",
        description="Next value read off a GRU's hidden state, which summarises the whole past.",
        target="zoo.models.forecasting.forecasters:latent_forecaster",
        input=InputSpec((None,)),
        contract=ContractConfig(overrides={}, input=InputSpec((12,)), output=(1,)),
        tunable={
            "units": {"values": (8, 16, 32, 64)},
            "cell": {"values": ("gru", "lstm")},
            "learning_rate": LEARNING_RATE,
        },
        recipe=task_recipe("series", "latent_sunspots_data", batch_size=16, learning_rate=3e-3),
        checks=("zoo.models.forecasting.arguments:check_latent_forecaster",),
    ),
)

PRESETS = (
    Preset(
        name="latent_forecaster_sunspots",
        model="latent_forecaster",
        description="A GRU over the last 24 years of sunspot numbers predicting the next: zoo train's recipe, "
        "60 epochs.",
        train_args=("--epochs", "60", "--seed", "0"),
        metric="mean absolute error in sunspots, the last 15% of the years",
        tolerance=0.5,
        higher_is_better=False,
    ),
)
