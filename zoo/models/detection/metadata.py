"""Registry entry of the one-stage detector; imports no Keras."""

from zoo.models.segmentation.metadata import SCENE_CONTRACT_INPUT
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset, TrainingRecipe
from zoo.registry.recipes import LEARNING_RATE

DETECTION_RECIPE = TrainingRecipe(
    data="scenes",
    batch_size=32,
    learning_rate=2e-3,
    data_arguments=("num_classes",),
)

MODELS = (
    ModelInfo(
        name="yolo_tiny",
        task="object-detection",
        family="yolo",
        paper="Redmon et al., You Only Look Once: Unified, Real-Time Object Detection, 2016",
        description="A YOLOv1-style one-stage grid detector (one box per cell, no anchor boxes; not the "
        "anchor-based Tiny YOLO of YOLOv2/v3): VGG blocks to a stride-8 grid; each cell predicts a box, "
        "objectness and class scores in one pass.",
        target="zoo.models.detection.yolo:yolo_tiny",
        input=InputSpec((None, None, 3)),
        contract=ContractConfig(
            overrides={"num_classes": 4, "width": 4},
            input=InputSpec(SCENE_CONTRACT_INPUT),
            output=(5, 7, 9),
        ),
        tunable={"width": {"values": (8, 16, 32)}, "learning_rate": LEARNING_RATE},
        recipe=DETECTION_RECIPE,
        checks=(
            "zoo.models.detection.arguments:check_stride",
            "zoo.models.cnn.arguments:check_vgg_backbone",
            "zoo.models.cnn.arguments:check_num_classes",
        ),
    ),
)

PRESETS = (
    Preset(
        name="yolo_tiny_scenes",
        model="yolo_tiny",
        description="The YOLOv1-style grid detector finding the 4 shapes of the seeded 64x64 scenes: zoo train's "
        "recipe, 20 epochs.",
        train_args=("--epochs", "20", "--seed", "0"),
        metric="mAP@0.5 (Pascal VOC's rule), 500 test scenes",
        tolerance=0.005,
        higher_is_better=True,
    ),
)
