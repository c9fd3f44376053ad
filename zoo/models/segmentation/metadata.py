"""Registry entries of the FCN segmenters; imports no Keras."""

from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset, TrainingRecipe
from zoo.registry.recipes import LEARNING_RATE

# Scenes (zoo.data.scenes) are made fresh for every run; these defaults reach
# the goals of issue 12 on 2 CPU cores (benchmarks/vision_goals.py).
SEGMENTATION_RECIPE = TrainingRecipe(
    data="scenes",
    batch_size=32,
    learning_rate=2e-3,
    data_arguments=("num_classes",),
    model_defaults={
        "backbone": "vgg11",
        "width": 16,
        "batch_norm": True,
        "fc_units": 128,
        "fc_kernel": 3,
        "dropout": 0.1,
    },
)

_FCN = "Long, Shelhamer and Darrell, Fully Convolutional Networks for Semantic Segmentation, 2015"
# Not a multiple of 32 and not square: the contract checks the any-size path.
SCENE_CONTRACT_INPUT = (40, 56, 3)


def _fcn(name, description):
    return ModelInfo(
        name=name,
        task="semantic-segmentation",
        family="fcn",
        paper=_FCN,
        description=description,
        target=f"zoo.models.segmentation.fcn:{name}",
        input=InputSpec((None, None, 3)),
        contract=ContractConfig(
            overrides={"num_classes": 5, "backbone": "vgg11", "width": 4, "fc_units": 8, "fc_kernel": 3},
            input=InputSpec(SCENE_CONTRACT_INPUT),
            output=(*SCENE_CONTRACT_INPUT[:2], 5),
        ),
        tunable={
            "width": {"values": (8, 16, 32)},
            "fc_units": {"values": (64, 128, 256)},
            "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
            "learning_rate": LEARNING_RATE,
        },
        recipe=SEGMENTATION_RECIPE,
        checks=(
            "zoo.models.segmentation.arguments:check_fcn_head",
            "zoo.models.cnn.arguments:check_dropout",
            "zoo.models.cnn.arguments:check_vgg_backbone",
            "zoo.models.cnn.arguments:check_num_classes",
        ),
    )


MODELS = (
    _fcn(
        "fcn32s",
        "FCN-32s: convolutionalized VGG, class scores at 1/32 scale upsampled 32x by a "
        "bilinear-initialised transposed convolution.",
    ),
    _fcn("fcn16s", "FCN-16s: FCN-32s's scores upsampled 2x and fused with scores from pool4, then upsampled 16x."),
    _fcn("fcn8s", "FCN-8s: FCN-16s fused again with scores from pool3, then upsampled 8x: the finest FCN."),
)

PRESETS = (
    Preset(
        name="fcn8s_scenes",
        model="fcn8s",
        description="FCN-8s (VGG-11 backbone of width 16) segmenting the seeded 64x64 scenes into 4 shapes and "
        "background: zoo train's recipe, 20 epochs.",
        train_args=("--epochs", "20", "--seed", "0"),
        metric="mean IoU over 5 classes (keras.metrics.MeanIoU), 500 test scenes",
        tolerance=0.005,
        higher_is_better=True,
    ),
)
