"""Registry entry of the decoder-only Transformer language model; imports no Keras."""

from zoo.data.text import DEFAULT_CHAR_VOCABULARY
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset, TrainingRecipe
from zoo.registry.recipes import LEARNING_RATE

_CHARS = len(DEFAULT_CHAR_VOCABULARY)  # the vocabulary on the built-in corpora

TRANSFORMER_LM_RECIPE = TrainingRecipe(
    data="text",
    batch_size=32,
    learning_rate=1e-3,
    seq_len=128,
    # About the parameter count of TEXT_RECIPE's LSTM (~0.3 M); see benchmarks/transformer_vs_lstm.py.
    model_defaults={"embed_dim": 128, "num_heads": 4, "ff_dim": 256, "num_layers": 2, "max_length": 128},
)

MODELS = (
    ModelInfo(
        name="transformer_lm",
        task="language-modeling",
        family="transformer",
        paper="Note 002 (attention and the Transformer); Vaswani et al., Attention Is All You Need, 2017; "
        "Radford et al., Improving Language Understanding by Generative Pre-Training, 2018",
        description="Decoder-only Transformer: token embeddings and positions, causal self-attention blocks, "
        "next-token logits; generation with a key/value cache.",
        target="zoo.models.transformer.transformer_lm:TransformerLM",
        input=InputSpec((None,), dtype="int32", high=_CHARS),
        contract=ContractConfig(
            overrides={"embed_dim": 8, "num_heads": 2, "ff_dim": 16, "num_layers": 1, "max_length": 16},
            input=InputSpec((12,), dtype="int32", high=_CHARS),
            output=(12, _CHARS),
        ),
        tunable={
            "embed_dim": {"values": (64, 128, 256)},
            "num_heads": {"values": (2, 4, 8)},
            "ff_dim": {"values": (128, 256, 512)},
            "num_layers": {"values": (1, 2, 3, 4)},
            "dropout": {"min": 0.0, "max": 0.3, "step": 0.1},
            "learning_rate": LEARNING_RATE,
        },
        recipe=TRANSFORMER_LM_RECIPE,
        checks=(
            "zoo.models.rnn.arguments:check_language_model_vocabulary",
            "zoo.models.transformer.arguments:check_transformer_lm",
        ),
    ),
)

PRESETS = (
    Preset(
        name="transformer_lm_stdlib",
        model="transformer_lm",
        description="2-block Transformer character model of Python's standard library source: zoo train's recipe, "
        "20 epochs.",
        train_args=("--corpus", "stdlib", "--epochs", "20", "--seed", "0"),
        metric="bits per character, stdlib validation split (windows of 128)",
        tolerance=0.05,
    ),
)
