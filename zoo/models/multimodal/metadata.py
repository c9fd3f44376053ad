"""Registry entries of the models that join a CNN and an RNN (video, captioning); imports no Keras."""

from zoo.data.scene_words import CAPTION_VOCABULARY
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset
from zoo.registry.recipes import LEARNING_RATE, task_recipe

_CAPTION_VOCAB = len(CAPTION_VOCABULARY)

# zoo train's recipes (zoo.training.tasks): seeded clips of moving shapes; the scenes' captions.
CLIPS_RECIPE = task_recipe(
    "clips",
    "clips_data",
    batch_size=32,
    learning_rate=3e-3,
    model_defaults={"backbone_args": {"width": 8}, "units": 32},
)
CAPTIONS_RECIPE = task_recipe(
    "captions",
    "captions_data",
    batch_size=64,
    learning_rate=3e-3,
    model_defaults={"backbone_args": {"width": 8}, "units": 64},
)

MODELS = (
    ModelInfo(
        name="video_classifier",
        task="video-classification",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: many-to-one and many-to-many); Donahue et al., Long-term "
        "Recurrent Convolutional Networks, 2015; Shi et al., Convolutional LSTM Network, 2015",
        description="A zoo CNN on every frame and an LSTM or GRU over time, or a ConvLSTM2D; one class per "
        "clip or per frame.",
        target="zoo.models.multimodal.video:video_classifier",
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
            "learning_rate": LEARNING_RATE,
        },
        recipe=CLIPS_RECIPE,
        checks=(
            "zoo.models.multimodal.arguments:check_video_classifier",
            "zoo.models.multimodal.arguments:check_video_backbone",
        ),
    ),
    ModelInfo(
        name="image_captioner",
        task="image-captioning",
        family="rnn",
        paper="Note 003 (cs231n lecture 10: one-to-many); Vinyals et al., Show and Tell: A Neural Image "
        "Caption Generator, 2015; Karpathy and Fei-Fei, Deep Visual-Semantic Alignments, 2015",
        description="A zoo CNN's image features start an LSTM that writes the caption word by word "
        "(<start> ... <end>); greedy and beam decoding.",
        target="zoo.models.multimodal.captioner:image_captioner",
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
            "learning_rate": LEARNING_RATE,
        },
        recipe=CAPTIONS_RECIPE,
        checks=(
            "zoo.models.multimodal.arguments:check_image_captioner",
            "zoo.models.cnn.arguments:check_headless_backbone",
        ),
    ),
)

PRESETS = (
    Preset(
        name="video_classifier_clips",
        model="video_classifier",
        description="A small VGG on every frame and an LSTM over time, classifying the motion of seeded clips: "
        "zoo train's recipe, 8 epochs.",
        train_args=("--epochs", "8", "--seed", "0"),
        metric="accuracy per clip, 400 test clips",
        tolerance=0.01,
        higher_is_better=True,
    ),
    Preset(
        name="image_captioner_scenes",
        model="image_captioner",
        description="A small VGG's features start an LSTM that captions the seeded 32x32 scenes: zoo train's "
        "recipe, 10 epochs.",
        train_args=("--epochs", "10", "--seed", "0"),
        metric="BLEU-4 of greedy captions, 300 test scenes",
        tolerance=0.01,
        higher_is_better=True,
    ),
)
