"""Registry entries of the CNN classifiers of this folder, LeNet to DenseNet; imports no Keras."""

from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo, Preset
from zoo.registry.recipes import IMAGE_RECIPE, LEARNING_RATE

# The contract builds the architectures with published widths at an eighth of them (`width_multiplier`): the
# same layers in the same graph with 1/64 of the weights, so that saving, loading and a training step of the
# deepest take seconds rather than minutes. tests/test_cnn.py checks the published widths themselves.
CONTRACT_WIDTH_MULTIPLIER = 0.125
_ARGUMENTS = "zoo.models.cnn.arguments:"


def _cnn(
    name,
    family,
    module,
    paper,
    description,
    *,
    default_input=(224, 224, 3),
    contract_input=(32, 32, 3),
    tunable=None,
    contract_width_multiplier=CONTRACT_WIDTH_MULTIPLIER,
    checks=(),
):
    """A ModelInfo for a keras.applications-style CNN builder: the function `name` of `zoo.models.cnn.<module>`
    (its defaults are read from the builder);
    `contract_width_multiplier=None` for a builder without published widths, `checks` the builder's own
    argument checks (`zoo.models.cnn.arguments`) beside the classifier's, which every CNN runs."""
    narrow = {} if contract_width_multiplier is None else {"width_multiplier": contract_width_multiplier}
    return ModelInfo(
        name=name,
        task="image-classification",
        family=family,
        paper=paper,
        description=description,
        target=f"zoo.models.cnn.{module}:{name}",
        input=InputSpec(default_input),
        contract=ContractConfig(
            overrides={"num_classes": 10, "input_shape": contract_input, **narrow},
            input=InputSpec(contract_input),
            output=(10,),
        ),
        # The fixed architectures search the recipe's learning rate; the small CNNs their size too.
        tunable=tunable or {"learning_rate": LEARNING_RATE},
        recipe=IMAGE_RECIPE,
        checks=(*(_ARGUMENTS + c for c in checks), _ARGUMENTS + "check_head"),
    )


_RESNET = "He et al., Deep Residual Learning for Image Recognition, 2015"
_VGG = "Simonyan and Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, 2014"
_DENSENET = "Huang et al., Densely Connected Convolutional Networks, 2017"

MODELS = (
    ModelInfo(
        name="lenet5",
        task="image-classification",
        family="lenet",
        paper="LeCun et al., Gradient-Based Learning Applied to Document Recognition, 1998",
        description="LeNet-5: two 5x5 convolutions with average pooling, then 120-84-classes dense layers.",
        target="zoo.models.cnn.lenet:lenet5",
        input=InputSpec((32, 32, 1)),
        contract=ContractConfig(overrides={}, input=InputSpec((32, 32, 1)), output=(10,)),
        tunable={"learning_rate": LEARNING_RATE},
        recipe=IMAGE_RECIPE,
        checks=(_ARGUMENTS + "check_head",),
    ),
    _cnn(
        "alexnet",
        "alexnet",
        "alexnet",
        "Krizhevsky, Sutskever and Hinton, ImageNet Classification with Deep CNNs, 2012",
        "AlexNet, single-stream (torchvision's form): 5 convolutions, 3 dense layers, ReLU, dropout.",
        contract_input=(64, 64, 3),
        checks=("check_dropout",),
    ),
    _cnn(
        "googlenet",
        "inception",
        "googlenet",
        "Szegedy et al., Going Deeper with Convolutions, 2014",
        "GoogLeNet (Inception v1): inception modules with 1x1 reductions, optional auxiliary heads.",
        checks=("check_googlenet",),
    ),
    _cnn(
        "resnet18",
        "resnet",
        "resnet",
        _RESNET,
        "ResNet-18: basic (3x3-3x3) residual blocks with 1x1 projection shortcuts.",
    ),
    _cnn(
        "resnet34",
        "resnet",
        "resnet",
        _RESNET,
        "ResNet-34: basic (3x3-3x3) residual blocks with 1x1 projection shortcuts.",
    ),
    _cnn(
        "resnet50",
        "resnet",
        "resnet",
        _RESNET,
        "ResNet-50: bottleneck (1x1-3x3-1x1) residual blocks with 1x1 projection shortcuts.",
    ),
    _cnn(
        "resnet101",
        "resnet",
        "resnet",
        _RESNET,
        "ResNet-101: bottleneck (1x1-3x3-1x1) residual blocks with 1x1 projection shortcuts.",
    ),
    _cnn(
        "resnet152",
        "resnet",
        "resnet",
        _RESNET,
        "ResNet-152: bottleneck (1x1-3x3-1x1) residual blocks with 1x1 projection shortcuts.",
    ),
    _cnn(
        "resnet_cifar",
        "resnet",
        "resnet",
        _RESNET,
        "The paper's CIFAR ResNet (6n+2 layers) for small images; depth and width are arguments.",
        tunable={
            "depth": {"values": (8, 14, 20, 32)},
            "width": {"values": (8, 16, 32)},
            "learning_rate": LEARNING_RATE,
        },
        default_input=(32, 32, 3),
        contract_width_multiplier=None,
        checks=("check_resnet_cifar",),
    ),
    _cnn(
        "vgg11",
        "vgg",
        "vgg",
        _VGG,
        "VGG-11: 3x3 convolutions only, five blocks, 4096-4096 dense head.",
    ),
    _cnn(
        "vgg11_bn",
        "vgg",
        "vgg",
        _VGG,
        "VGG-11: 3x3 convolutions only, five blocks, 4096-4096 dense head, batch normalisation after each convolution.",
    ),
    _cnn(
        "vgg13",
        "vgg",
        "vgg",
        _VGG,
        "VGG-13: 3x3 convolutions only, five blocks, 4096-4096 dense head.",
    ),
    _cnn(
        "vgg13_bn",
        "vgg",
        "vgg",
        _VGG,
        "VGG-13: 3x3 convolutions only, five blocks, 4096-4096 dense head, batch normalisation after each convolution.",
    ),
    _cnn(
        "vgg16",
        "vgg",
        "vgg",
        _VGG,
        "VGG-16: 3x3 convolutions only, five blocks, 4096-4096 dense head.",
    ),
    _cnn(
        "vgg16_bn",
        "vgg",
        "vgg",
        _VGG,
        "VGG-16: 3x3 convolutions only, five blocks, 4096-4096 dense head, batch normalisation after each convolution.",
    ),
    _cnn(
        "vgg19",
        "vgg",
        "vgg",
        _VGG,
        "VGG-19: 3x3 convolutions only, five blocks, 4096-4096 dense head.",
    ),
    _cnn(
        "vgg19_bn",
        "vgg",
        "vgg",
        _VGG,
        "VGG-19: 3x3 convolutions only, five blocks, 4096-4096 dense head, batch normalisation after each convolution.",
    ),
    _cnn(
        "vgg_cifar",
        "vgg",
        "vgg",
        _VGG,
        "A narrow VGG with batch normalisation for small images; width and depth are arguments.",
        tunable={
            "width": {"values": (8, 16, 32, 64)},
            "convs_per_block": {"values": (1, 2, 3)},
            "blocks": {"values": (2, 3)},
            "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
            "learning_rate": LEARNING_RATE,
        },
        default_input=(32, 32, 3),
        contract_width_multiplier=None,
        checks=("check_vgg_cifar", "check_dropout"),
    ),
    _cnn(
        "densenet121",
        "densenet",
        "densenet",
        _DENSENET,
        "DenseNet-121: dense blocks that concatenate, 1x1 bottlenecks and transition layers.",
    ),
    _cnn(
        "densenet169",
        "densenet",
        "densenet",
        _DENSENET,
        "DenseNet-169: dense blocks that concatenate, 1x1 bottlenecks and transition layers.",
    ),
    _cnn(
        "densenet201",
        "densenet",
        "densenet",
        _DENSENET,
        "DenseNet-201: dense blocks that concatenate, 1x1 bottlenecks and transition layers.",
    ),
)

PRESETS = (
    Preset(
        name="resnet_cifar_digits",
        model="resnet_cifar",
        description="Small CIFAR-style ResNet on scikit-learn's 8x8 digits: zoo train's image recipe, 60 epochs.",
        train_args=("--data", "digits", "--epochs", "60", "--seed", "0"),
        metric="accuracy on the digits test split (360 images)",
        tolerance=0.005,
        higher_is_better=True,
    ),
)
