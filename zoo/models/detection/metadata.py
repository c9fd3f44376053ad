"""Registry entry of the one-stage detector; imports no Keras."""

from zoo.models.segmentation.metadata import SCENE_CONTRACT_INPUT
from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, TrainingRecipe

DETECTION_RECIPE = TrainingRecipe(
    data="scenes",
    trainer="zoo.training.scenes:train_detector",
    batch_size=32,
    learning_rate=2e-3,
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
        recipe=DETECTION_RECIPE,
    ),
)
