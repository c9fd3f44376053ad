"""Static metadata of the built-in models.

Listing models and reading their metadata must not import Keras, so every
built-in model is declared here with the ``module:attribute`` of its builder.
``tests/test_registry.py`` checks that ``default_args`` here equal the
builder's real signature, so the two cannot drift apart.
"""

from zoo.cnn import COMMON_ARGS as COMMON_CNN_ARGS
from zoo.registry import ContractConfig, InputSpec, ModelInfo, TrainingRecipe

# The default character vocabulary size of text_generator (see zoo.data.text).
_DEFAULT_CHAR_VOCAB = 98

# Search-space declarations (see zoo.search_spaces): "values" is a choice,
# "min"/"max" (with "step" or "sampling") a range.
_LEARNING_RATE = {"min": 1e-4, "max": 1e-2, "sampling": "log"}

# How zoo train and zoo tune train each kind of model; the defaults of both
# commands and of the Python trainers come from here.
TEXT_RECIPE = TrainingRecipe(
    data="text",
    trainer="zoo.training:train_text_generator",
    search_data="zoo.tune.search:text_search_data",
    batch_size=32,
    learning_rate=3e-3,
    seq_len=64,
    # Chosen on a 2-core CPU by benchmarks/train_quality.py (see the README's figures).
    model_defaults={"units": 128, "num_layers": 2, "embedding_dim": 64, "cell": "lstm"},
)
# No search recipe: zoo tune's text search trains text_generator trials.
TRANSFORMER_LM_RECIPE = TrainingRecipe(
    data="text",
    trainer="zoo.training:train_transformer_lm",
    batch_size=32,
    learning_rate=1e-3,
    seq_len=128,
    # About the parameter count of TEXT_RECIPE's LSTM (~0.3 M); see benchmarks/transformer_vs_lstm.py.
    model_defaults={"embed_dim": 128, "num_heads": 4, "ff_dim": 256, "num_layers": 2, "max_length": 128},
)
IMAGE_RECIPE = TrainingRecipe(
    data="images",
    trainer="zoo.training_images:train_image_classifier",
    search_data="zoo.tune.search:image_search_data",
    batch_size=64,
    learning_rate=2e-3,
)

# Scenes (zoo.data.scenes) are made fresh for every run; these defaults reach
# the goals of issue 12 on 2 CPU cores (benchmarks/vision_goals.py).
SEGMENTATION_RECIPE = TrainingRecipe(
    data="scenes",
    trainer="zoo.training_scenes:train_segmenter",
    batch_size=32,
    learning_rate=2e-3,
    model_defaults={
        "backbone": "vgg11",
        "width": 16,
        "batch_norm": True,
        "fc_units": 128,
        "fc_kernel": 3,
        "dropout": 0.1,
    },
)
DETECTION_RECIPE = TrainingRecipe(
    data="scenes",
    trainer="zoo.training_scenes:train_detector",
    batch_size=32,
    learning_rate=2e-3,
)

BUILTIN_MODELS = (
    ModelInfo(
        name="autoregressive_forecaster",
        task="forecasting",
        family="autoregressive",
        paper="Notes 001 and 002 (sequence models); d2l.ai, Sequence Models",
        description="Next value from the last tau values with an MLP (tau=1: Markov model; hidden_units=0: linear AR).",
        target="zoo.models.forecasters:autoregressive_forecaster",
        default_args={"tau": 4, "hidden_units": 10, "num_layers": 1, "name": "autoregressive_forecaster"},
        input=InputSpec((4,)),
        contract=ContractConfig(overrides={}, input=InputSpec((4,)), output=(1,)),
        tunable={
            "tau": {"values": (1, 2, 4, 8, 16)},
            "hidden_units": {"values": (0, 10, 32, 64)},
            "num_layers": {"values": (1, 2, 3)},
            "learning_rate": _LEARNING_RATE,
        },
    ),
    ModelInfo(
        name="latent_forecaster",
        task="forecasting",
        family="rnn",
        paper="Notes 001 and 002 (latent autoregressive model)",
        description="Next value read off a GRU's hidden state, which summarises the whole past.",
        target="zoo.models.forecasters:latent_forecaster",
        default_args={"units": 16, "cell": "gru", "name": "latent_forecaster"},
        input=InputSpec((None,)),
        contract=ContractConfig(overrides={}, input=InputSpec((12,)), output=(1,)),
        tunable={
            "units": {"values": (8, 16, 32, 64)},
            "cell": {"values": ("gru", "lstm")},
            "learning_rate": _LEARNING_RATE,
        },
    ),
    ModelInfo(
        name="char_rnn",
        task="language-modeling",
        family="rnn",
        paper="Note 003 (cs231n lecture 10, 2016); Karpathy, The Unreasonable Effectiveness of "
        "Recurrent Neural Networks, 2015",
        description="Character RNN of note 003: one-hot characters, W_xh, W_hh, W_hy, scores per step "
        '(the "hello" example).',
        target="zoo.models.char_rnn:CharRNN",
        default_args={"vocabulary": ("h", "e", "l", "o"), "hidden_size": 3},
        input=InputSpec((None, 4)),
        contract=ContractConfig(overrides={}, input=InputSpec((4, 4)), output=(4, 4)),
        tunable={"hidden_size": {"values": (3, 8, 16, 32)}, "learning_rate": _LEARNING_RATE},
    ),
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
            "input_tensor": None,
            "name": "lenet5",
            "classes": None,  # keras.applications' name for num_classes (zoo.cnn.conventions.takes_classes)
        },
        input=InputSpec((32, 32, 1)),
        contract=ContractConfig(overrides={}, input=InputSpec((32, 32, 1)), output=(10,)),
        recipe=IMAGE_RECIPE,
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
        # One shared ``units`` for every layer, so trials read back cleanly
        # (per-layer units_i leave stale values: keras-tuner issues 302, 1034).
        tunable={
            "units": {"values": (32, 64, 128, 256, 512)},
            "num_layers": {"values": (1, 2, 3, 4)},
            "embedding_dim": {"values": (16, 32, 64, 128)},
            "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
            "cell": {"values": ("lstm", "gru", "rnn")},
            "learning_rate": _LEARNING_RATE,
        },
        recipe=TEXT_RECIPE,
    ),
    ModelInfo(
        name="transformer_lm",
        task="language-modeling",
        family="transformer",
        paper="Note 002 (attention and the Transformer); Vaswani et al., Attention Is All You Need, 2017; "
        "Radford et al., Improving Language Understanding by Generative Pre-Training, 2018",
        description="Decoder-only Transformer: token embeddings and positions, causal self-attention blocks, "
        "next-token logits; generation with a key/value cache.",
        target="zoo.models.transformer_lm:TransformerLM",
        default_args={
            "vocab_size": None,
            "vocabulary": None,
            "max_length": 256,
            "embed_dim": 128,
            "num_heads": 4,
            "ff_dim": 512,
            "num_layers": 2,
            "dropout": 0.0,
            "positional": "learned",
        },
        input=InputSpec((None,), dtype="int32", high=_DEFAULT_CHAR_VOCAB),
        contract=ContractConfig(
            overrides={"embed_dim": 8, "num_heads": 2, "ff_dim": 16, "num_layers": 1, "max_length": 16},
            input=InputSpec((12,), dtype="int32", high=_DEFAULT_CHAR_VOCAB),
            output=(12, _DEFAULT_CHAR_VOCAB),
        ),
        recipe=TRANSFORMER_LM_RECIPE,
    ),
)


def _cnn(
    name,
    family,
    target,
    paper,
    description,
    *,
    before=(),
    after=(),
    num_classes=1000,
    default_input=(224, 224, 3),
    contract_input=(32, 32, 3),
    tunable=None,
):
    """A ModelInfo for a keras.applications-style CNN builder.

    ``before`` and ``after`` are ``(argument, default)`` pairs that come
    before and after the common arguments in the builder's signature.
    """
    defaults = dict(before)
    defaults.update(zip(COMMON_CNN_ARGS, (True, None, None, None, num_classes, "softmax", None), strict=True))
    defaults.update(after)
    defaults["name"] = name
    defaults["classes"] = None  # keras.applications' name for num_classes (zoo.cnn.conventions.takes_classes)
    return ModelInfo(
        name=name,
        task="image-classification",
        family=family,
        paper=paper,
        description=description,
        target=target,
        default_args=defaults,
        input=InputSpec(default_input),
        contract=ContractConfig(
            overrides={"num_classes": 10, "input_shape": contract_input},
            input=InputSpec(contract_input),
            output=(10,),
        ),
        tunable=tunable or {},
        recipe=IMAGE_RECIPE,
    )


_RESNET = "He et al., Deep Residual Learning for Image Recognition, 2015"
_VGG = "Simonyan and Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, 2014"
_DENSENET = "Huang et al., Densely Connected Convolutional Networks, 2017"

BUILTIN_MODELS += (
    _cnn(
        "alexnet",
        "alexnet",
        "zoo.cnn.alexnet:alexnet",
        "Krizhevsky, Sutskever and Hinton, ImageNet Classification with Deep CNNs, 2012",
        "AlexNet, single-stream (torchvision's form): 5 convolutions, 3 dense layers, ReLU, dropout.",
        after=(("dropout", 0.5),),
        contract_input=(64, 64, 3),
    ),
    _cnn(
        "googlenet",
        "inception",
        "zoo.cnn.googlenet:googlenet",
        "Szegedy et al., Going Deeper with Convolutions, 2014",
        "GoogLeNet (Inception v1): inception modules with 1x1 reductions, optional auxiliary heads.",
        after=(("aux_heads", False),),
    ),
    *(
        _cnn(
            f"resnet{d}",
            "resnet",
            f"zoo.cnn.resnet:resnet{d}",
            _RESNET,
            f"ResNet-{d}: {'basic (3x3-3x3)' if d < 50 else 'bottleneck (1x1-3x3-1x1)'} residual blocks "
            "with 1x1 projection shortcuts.",
        )
        for d in (18, 34, 50, 101, 152)
    ),
    _cnn(
        "resnet_cifar",
        "resnet",
        "zoo.cnn.resnet:resnet_cifar",
        _RESNET,
        "The paper's CIFAR ResNet (6n+2 layers) for small images; depth and width are arguments.",
        before=(("depth", 20), ("width", 16)),
        num_classes=10,
        tunable={
            "depth": {"values": (8, 14, 20, 32)},
            "width": {"values": (8, 16, 32)},
            "learning_rate": _LEARNING_RATE,
        },
        default_input=(32, 32, 3),
    ),
    *(
        _cnn(
            f"vgg{d}{bn}",
            "vgg",
            f"zoo.cnn.vgg:vgg{d}{bn}",
            _VGG,
            f"VGG-{d}: 3x3 convolutions only, five blocks, 4096-4096 dense head"
            + (", batch normalisation after each convolution." if bn else "."),
        )
        for d in (11, 13, 16, 19)
        for bn in ("", "_bn")
    ),
    _cnn(
        "vgg_cifar",
        "vgg",
        "zoo.cnn.vgg:vgg_cifar",
        _VGG,
        "A narrow VGG with batch normalisation for small images; width and depth are arguments.",
        before=(("width", 32), ("convs_per_block", 2), ("blocks", 3), ("dropout", 0.3)),
        tunable={
            "width": {"values": (8, 16, 32, 64)},
            "convs_per_block": {"values": (1, 2, 3)},
            "blocks": {"values": (2, 3)},
            "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
            "learning_rate": _LEARNING_RATE,
        },
        num_classes=10,
        default_input=(32, 32, 3),
    ),
    *(
        _cnn(
            f"densenet{d}",
            "densenet",
            f"zoo.cnn.densenet:densenet{d}",
            _DENSENET,
            f"DenseNet-{d}: dense blocks that concatenate, 1x1 bottlenecks and transition layers.",
        )
        for d in (121, 169, 201)
    ),
)


_FCN = "Long, Shelhamer and Darrell, Fully Convolutional Networks for Semantic Segmentation, 2015"
# Not a multiple of 32 and not square: the contract checks the any-size path.
_SCENE_CONTRACT_INPUT = (40, 56, 3)


def _fcn(name, description):
    return ModelInfo(
        name=name,
        task="semantic-segmentation",
        family="fcn",
        paper=_FCN,
        description=description,
        target=f"zoo.segmentation.fcn:{name}",
        default_args={
            "num_classes": 21,
            "input_shape": None,
            "backbone": "vgg16",
            "width": 64,
            "batch_norm": False,
            "fc_units": 4096,
            "fc_kernel": 7,
            "dropout": 0.5,
            "classifier_activation": "softmax",
            "weights": None,
            "input_tensor": None,
            "name": name,
        },
        input=InputSpec((None, None, 3)),
        contract=ContractConfig(
            overrides={"num_classes": 5, "backbone": "vgg11", "width": 4, "fc_units": 8, "fc_kernel": 3},
            input=InputSpec(_SCENE_CONTRACT_INPUT),
            output=(*_SCENE_CONTRACT_INPUT[:2], 5),
        ),
        recipe=SEGMENTATION_RECIPE,
    )


BUILTIN_MODELS += (
    _fcn(
        "fcn32s",
        "FCN-32s: convolutionalized VGG, class scores at 1/32 scale upsampled 32x by a "
        "bilinear-initialised transposed convolution.",
    ),
    _fcn("fcn16s", "FCN-16s: FCN-32s's scores upsampled 2x and fused with scores from pool4, then upsampled 16x."),
    _fcn("fcn8s", "FCN-8s: FCN-16s fused again with scores from pool3, then upsampled 8x: the finest FCN."),
    ModelInfo(
        name="yolo_tiny",
        task="object-detection",
        family="yolo",
        paper="Redmon et al., You Only Look Once: Unified, Real-Time Object Detection, 2016",
        description="A YOLOv1-style one-stage grid detector (one box per cell, no anchor boxes; not the "
        "anchor-based Tiny YOLO of YOLOv2/v3): VGG blocks to a stride-8 grid; each cell predicts a box, "
        "objectness and class scores in one pass.",
        target="zoo.detection.yolo:yolo_tiny",
        default_args={
            "num_classes": 20,
            "input_shape": None,
            "backbone": "vgg11",
            "width": 16,
            "stride": 8,
            "batch_norm": True,
            "weights": None,
            "input_tensor": None,
            "name": "yolo_tiny",
        },
        input=InputSpec((None, None, 3)),
        contract=ContractConfig(
            overrides={"num_classes": 4, "width": 4},
            input=InputSpec(_SCENE_CONTRACT_INPUT),
            output=(5, 7, 9),
        ),
        recipe=DETECTION_RECIPE,
    ),
)

BUILTIN_MODELS += (
    ModelInfo(
        name="sentiment_rnn",
        task="text-classification",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: many-to-one); Schuster and Paliwal, Bidirectional Recurrent "
        "Neural Networks, 1997",
        description="Many-to-one: word embeddings, a bidirectional LSTM or GRU over the review, P(positive).",
        target="zoo.models.sentiment:sentiment_rnn",
        default_args={
            "vocab_size": 20_000,
            "embedding_dim": 32,
            "units": 32,
            "cell": "lstm",
            "bidirectional": True,
            "dropout": 0.0,
            "name": "sentiment_rnn",
        },
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
            "learning_rate": _LEARNING_RATE,
        },
    ),
)

# The size of zoo.data.dates.source_vocabulary() (tests/test_seq2seq.py checks it).
_DATE_SOURCE_VOCAB = 59
_DATE_TARGET_VOCAB = 14

BUILTIN_MODELS += (
    ModelInfo(
        name="seq2seq_attention",
        task="translation",
        family="rnn",
        paper="Bahdanau, Cho and Bengio, Neural Machine Translation by Jointly Learning to Align and "
        "Translate, 2015; Luong, Pham and Manning, Effective Approaches to Attention-based NMT, 2015",
        description="Many-to-many: LSTM encoder-decoder with additive (Bahdanau), multiplicative (Luong) "
        "or no attention; teacher forcing, greedy and beam decoding.",
        target="zoo.models.seq2seq:seq2seq_attention",
        default_args={
            "source_vocab_size": _DATE_SOURCE_VOCAB,
            "target_vocab_size": _DATE_TARGET_VOCAB,
            "embedding_dim": 32,
            "units": 64,
            "attention": "bahdanau",
            "name": "seq2seq_attention",
        },
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
            "learning_rate": _LEARNING_RATE,
        },
    ),
)

BUILTIN_MODELS += (
    ModelInfo(
        name="video_classifier",
        task="video-classification",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: many-to-one and many-to-many); Donahue et al., Long-term "
        "Recurrent Convolutional Networks, 2015; Shi et al., Convolutional LSTM Network, 2015",
        description="A zoo CNN on every frame and an LSTM or GRU over time, or a ConvLSTM2D; one class per "
        "clip or per frame.",
        target="zoo.models.video:video_classifier",
        default_args={
            "num_classes": 7,
            "input_shape": (8, 32, 32, 3),
            "variant": "cnn_rnn",
            "backbone": "vgg_cifar",
            "backbone_args": None,
            "cell": "lstm",
            "units": 32,
            "filters": 16,
            "per_frame": False,
            "dropout": 0.0,
            "name": "video_classifier",
        },
        input=InputSpec((8, 32, 32, 3)),
        contract=ContractConfig(
            overrides={
                "units": 8,
                "input_shape": (3, 32, 32, 3),
                "backbone_args": {"width": 4, "blocks": 2, "convs_per_block": 1},
            },
            input=InputSpec((3, 32, 32, 3)),
            output=(7,),
        ),
        tunable={
            "variant": {"values": ("cnn_rnn", "convlstm")},
            "cell": {"values": ("lstm", "gru")},
            "units": {"values": (16, 32, 64)},
            "learning_rate": _LEARNING_RATE,
        },
    ),
)

# len(zoo.models.captioner.CAPTION_VOCABULARY) (tests/test_captioner.py checks it).
_CAPTION_VOCAB = 18

BUILTIN_MODELS += (
    ModelInfo(
        name="image_captioner",
        task="image-captioning",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: one-to-many); Vinyals et al., Show and Tell: A Neural Image "
        "Caption Generator, 2015; Karpathy and Fei-Fei, Deep Visual-Semantic Alignments, 2015",
        description="A zoo CNN's image features start an LSTM that writes the caption word by word "
        "(<start> ... <end>); greedy and beam decoding.",
        target="zoo.models.captioner:image_captioner",
        default_args={
            "vocab_size": _CAPTION_VOCAB,
            "input_shape": (64, 64, 3),
            "backbone": "vgg_cifar",
            "backbone_args": None,
            "embedding_dim": 32,
            "units": 128,
            "dropout": 0.0,
            "name": "image_captioner",
        },
        input=(InputSpec((64, 64, 3)), InputSpec((None,), dtype="int32", high=_CAPTION_VOCAB)),
        contract=ContractConfig(
            overrides={
                "input_shape": (32, 32, 3),
                "backbone_args": {"width": 4, "blocks": 2},
                "embedding_dim": 4,
                "units": 8,
            },
            input=(InputSpec((32, 32, 3)), InputSpec((6,), dtype="int32", high=_CAPTION_VOCAB)),
            output=(6, _CAPTION_VOCAB),
        ),
        tunable={
            "units": {"values": (64, 128, 256)},
            "embedding_dim": {"values": (16, 32, 64)},
            "learning_rate": _LEARNING_RATE,
        },
    ),
)
