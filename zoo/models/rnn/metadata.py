"""Registry entries of the recurrent models of this folder; imports no Keras."""

from zoo.data.dates import SOURCE_VOCABULARY, TARGET_VOCABULARY
from zoo.data.text import DEFAULT_CHAR_VOCABULARY
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset, TrainingRecipe
from zoo.registry.recipes import LEARNING_RATE, task_recipe

_CHARS = len(DEFAULT_CHAR_VOCABULARY)  # text_generator's vocabulary on the built-in corpora
_DATE_SOURCE_VOCAB = len(SOURCE_VOCABULARY)
_DATE_TARGET_VOCAB = len(TARGET_VOCABULARY)

# How zoo train and zoo tune train text_generator: the defaults of both commands and of
# zoo.training.text.train_text_generator come from here.
TEXT_RECIPE = TrainingRecipe(
    data="text",
    batch_size=32,
    learning_rate=3e-3,
    seq_len=64,
    # Chosen on a 2-core CPU by benchmarks/train_quality.py (see the README's figures).
    model_defaults={"units": 128, "num_layers": 2, "embedding_dim": 64, "cell": "lstm"},
)

# zoo train's recipes for the notes' small sequence tasks (zoo.training.tasks).
HELLO_RECIPE = task_recipe("hello", "hello_data", batch_size=8, learning_rate=0.05)
REVIEWS_RECIPE = task_recipe("reviews", "reviews_data", batch_size=64, learning_rate=0.005)
DATES_RECIPE = task_recipe("dates", "dates_data", batch_size=64, learning_rate=0.005)

MODELS = (
    ModelInfo(
        name="char_rnn",
        task="language-modeling",
        family="rnn",
        paper="Note 003 (cs231n lecture 10, 2016); Karpathy, The Unreasonable Effectiveness of "
        "Recurrent Neural Networks, 2015",
        description="Character RNN of note 003: one-hot characters, W_xh, W_hh, W_hy, scores per step "
        '(the "hello" example).',
        target="zoo.models.rnn.char_rnn:CharRNN",
        input=InputSpec((None, 4)),
        contract=ContractConfig(overrides={}, input=InputSpec((4, 4)), output=(4, 4)),
        tunable={"hidden_size": {"values": (3, 8, 16, 32)}, "learning_rate": LEARNING_RATE},
        recipe=HELLO_RECIPE,
        checks=("zoo.models.rnn.arguments:check_char_rnn",),
    ),
    ModelInfo(
        name="text_generator",
        task="language-modeling",
        family="rnn",
        paper="Note 004 (LSTM basics and the Keras TextGenerator); Graves, Generating Sequences "
        "With Recurrent Neural Networks, 2013",
        description="Embedding, stacked recurrent layers (LSTM, GRU or simple RNN) returning "
        "sequences, and a Dense layer giving next-token logits.",
        target="zoo.models.rnn.text_generator:TextGenerator",
        input=InputSpec((None,), dtype="int32", high=_CHARS),
        contract=ContractConfig(
            overrides={"embedding_dim": 8, "units": 16},
            input=InputSpec((12,), dtype="int32", high=_CHARS),
            output=(12, _CHARS),
        ),
        # One shared `units` for every layer, so trials read back cleanly
        # (per-layer units_i leave stale values: keras-tuner issues 302, 1034).
        tunable={
            "units": {"values": (32, 64, 128, 256, 512)},
            "num_layers": {"values": (1, 2, 3, 4)},
            "embedding_dim": {"values": (16, 32, 64, 128)},
            "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
            "cell": {"values": ("lstm", "gru", "rnn")},
            "learning_rate": LEARNING_RATE,
        },
        recipe=TEXT_RECIPE,
        checks=(
            "zoo.models.rnn.arguments:check_language_model_vocabulary",
            "zoo.models.rnn.arguments:check_text_generator",
        ),
    ),
    ModelInfo(
        name="sentiment_rnn",
        task="text-classification",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: many-to-one); Schuster and Paliwal, Bidirectional Recurrent "
        "Neural Networks, 1997",
        description="Many-to-one: word embeddings, a bidirectional LSTM or GRU over the review, P(positive).",
        target="zoo.models.rnn.sentiment:sentiment_rnn",
        input=InputSpec((None,), dtype="int32", high=20_000),
        contract=ContractConfig(
            overrides={"vocab_size": 50, "embedding_dim": 8, "units": 8},
            input=InputSpec((12,), dtype="int32", high=50),
            output=(1,),
        ),
        tunable={
            "units": {"values": (8, 16, 32, 64)},
            "cell": {"values": ("lstm", "gru")},
            "bidirectional": {"values": (True, False)},
            "learning_rate": LEARNING_RATE,
        },
        recipe=REVIEWS_RECIPE,
        checks=("zoo.models.rnn.arguments:check_sentiment_rnn",),
    ),
    ModelInfo(
        name="seq2seq_attention",
        task="translation",
        family="rnn",
        paper="Bahdanau, Cho and Bengio, Neural Machine Translation by Jointly Learning to Align and "
        "Translate, 2015; Luong, Pham and Manning, Effective Approaches to Attention-based NMT, 2015",
        description="Many-to-many: LSTM encoder-decoder with additive (Bahdanau), multiplicative (Luong) "
        "or no attention; teacher forcing, greedy and beam decoding.",
        target="zoo.models.rnn.seq2seq:seq2seq_attention",
        input=(
            InputSpec((None,), dtype="int32", high=_DATE_SOURCE_VOCAB),
            InputSpec((None,), dtype="int32", high=_DATE_TARGET_VOCAB),
        ),
        contract=ContractConfig(
            overrides={"embedding_dim": 8, "units": 8},
            input=(
                InputSpec((10,), dtype="int32", high=_DATE_SOURCE_VOCAB),
                InputSpec((6,), dtype="int32", high=_DATE_TARGET_VOCAB),
            ),
            output=(6, _DATE_TARGET_VOCAB),
        ),
        tunable={
            "units": {"values": (16, 32, 64, 128)},
            "attention": {"values": ("bahdanau", "luong", "none")},
            "learning_rate": LEARNING_RATE,
        },
        recipe=DATES_RECIPE,
        checks=("zoo.models.rnn.arguments:check_seq2seq_attention",),
    ),
)

PRESETS = (
    Preset(
        name="sentiment_rnn_reviews",
        model="sentiment_rnn",
        description="Bidirectional LSTM over the seeded reviews, whose label often depends on word order: zoo "
        "train's recipe, 5 epochs.",
        train_args=("--epochs", "5", "--seed", "0"),
        metric="accuracy on 1000 test reviews",
        tolerance=0.01,
        higher_is_better=True,
    ),
    Preset(
        name="seq2seq_attention_dates",
        model="seq2seq_attention",
        description="LSTM encoder-decoder with Bahdanau attention translating dates in ten human formats to "
        "ISO: zoo train's recipe, 10 epochs.",
        train_args=("--epochs", "10", "--seed", "0"),
        metric="exact match of greedy translations, 1000 test dates",
        tolerance=0.01,
        higher_is_better=True,
    ),
    Preset(
        name="text_generator_stdlib",
        model="text_generator",
        description="2x128 LSTM character model of Python's standard library source: zoo train's recipe, 30 epochs.",
        train_args=("--corpus", "stdlib", "--epochs", "30", "--seed", "0"),
        metric="bits per character, stdlib validation split (windows of 128)",
        tolerance=0.05,
    ),
)
