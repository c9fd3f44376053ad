"""Registry entry of the decoder-only Transformer language model; imports no Keras."""

from zoo.data.text import DEFAULT_CHAR_VOCABULARY
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, TrainingRecipe

_CHARS = len(DEFAULT_CHAR_VOCABULARY)  # the vocabulary on the built-in corpora

# No search recipe: zoo tune's text search trains text_generator trials.
TRANSFORMER_LM_RECIPE = TrainingRecipe(
    data="text",
    trainer="zoo.training.text:train_transformer_lm",
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
        recipe=TRANSFORMER_LM_RECIPE,
    ),
)
