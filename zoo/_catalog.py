"""Static metadata of the built-in models.

Listing models and reading their metadata must not import Keras, so every
built-in model is declared here with the ``module:attribute`` of its builder.
``tests/test_registry.py`` checks that ``default_args`` here equal the
builder's real signature, so the two cannot drift apart.
"""

from zoo._registry import ContractConfig, InputSpec, ModelInfo

# The default character vocabulary size of text_generator (see zoo.data.text).
_DEFAULT_CHAR_VOCAB = 98

BUILTIN_MODELS = (
    ModelInfo(
        name="lenet5",
        task="image-classification",
        family="lenet",
        paper="LeCun et al., Gradient-Based Learning Applied to Document Recognition, 1998",
        description="LeNet-5: two 5x5 convolutions with average pooling, then 120-84-classes dense layers.",
        target="zoo.cnn.lenet:lenet5",
        default_args={
            "include_top": True,
            "weights": None,
            "input_shape": None,
            "pooling": None,
            "num_classes": 10,
            "classifier_activation": "softmax",
            "name": "lenet5",
        },
        input=InputSpec((32, 32, 1)),
        contract=ContractConfig(overrides={}, input=InputSpec((32, 32, 1)), output=(10,)),
    ),
    ModelInfo(
        name="text_generator",
        task="language-modeling",
        family="rnn",
        paper="Note 004 (LSTM basics and the Keras TextGenerator); Graves, Generating Sequences "
        "With Recurrent Neural Networks, 2013",
        description="Embedding, stacked recurrent layers (LSTM, GRU or simple RNN) returning "
        "sequences, and a Dense layer giving next-token logits.",
        target="zoo.models.text_generator:TextGenerator",
        default_args={
            "vocab_size": None,
            "vocabulary": None,
            "embedding_dim": 64,
            "units": 256,
            "num_layers": 2,
            "cell": "lstm",
            "dropout": 0.0,
        },
        input=InputSpec((None,), dtype="int32", high=_DEFAULT_CHAR_VOCAB),
        contract=ContractConfig(
            overrides={"embedding_dim": 8, "units": 16},
            input=InputSpec((12,), dtype="int32", high=_DEFAULT_CHAR_VOCAB),
            output=(12, _DEFAULT_CHAR_VOCAB),
        ),
    ),
)
