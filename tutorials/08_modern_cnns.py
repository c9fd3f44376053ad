# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Modern CNNs: AlexNet, VGG, GoogLeNet, ResNet and DenseNet, measured
#
# Mirrors the *Modern CNN* part of **note 002** (*2023-08-02 TIL*) and the CNN layers of
# **note 000**; concepts C7–C14. Every claim below gets a number and a verdict.
#
# - **C7** a CNN is convolution, pooling and fully connected layers; modern designs shrink
#   the FC part (*FC layer는 줄이는 추세, 파라미터의 수가 너무 많기 때문*);
# - **C8** 1×1 convolution reduces parameters by reducing channels;
# - **C9** AlexNet: 5 convolutions + 3 dense layers, ReLU, augmentation, dropout, two GPUs;
# - **C10** ReLU's gradient is 0 or 1, which eases vanishing gradients;
# - **C11** VGG: 3×3 only; two 3×3 see what one 5×5 sees, with fewer parameters;
# - **C12** GoogLeNet: far fewer parameters than AlexNet and VGG;
# - **C13** ResNet: identity skips train deeper networks better; 1×1 projections; bottlenecks;
# - **C14** DenseNet: concatenation instead of addition; 1×1 convolutions tame the channel growth.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.models.cnn.arithmetic import conv_params, receptive_field

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

# %% [markdown]
# ## C7 · The zoo's parameter table (224×224×3, 1000 classes)
# Where the parameters live tells the story of C7: count the dense layers separately.

# %%
names = ["alexnet", "vgg16", "vgg19", "googlenet", "resnet18", "resnet50", "densenet121"]
if SMOKE:
    names = ["alexnet", "googlenet", "resnet18"]
table = {}
for name in names:
    model = zoo.create_model(name)
    dense = sum(layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.Dense))
    table[name] = (model.count_params(), dense, len(model.layers))
    keras.backend.clear_session()
print(f"{'model':<12} {'parameters':>12} {'in dense layers':>16} {'share':>7} {'layers':>7}")
for name, (total, dense, n_layers) in table.items():
    print(f"{name:<12} {total:12,d} {dense:16,d} {dense / total:7.1%} {n_layers:7d}")

# %% [markdown]
# **C7 verdict:** AlexNet and VGG keep most of their weights in the dense head
# (AlexNet's first dense layer alone: 9216 × 4096 ≈ 37.7 M). GoogLeNet, ResNet and
# DenseNet replace it by global average pooling and one classifier layer.

# %%
shares = {n: d / t for n, (t, d, _) in table.items()}
print(
    "dense share AlexNet {:.0%} vs GoogLeNet {:.0%} and ResNet-18 {:.0%}".format(
        shares["alexnet"], shares["googlenet"], shares["resnet18"]
    )
)
assert shares["alexnet"] > 0.9 and shares["googlenet"] < 0.2 and shares["resnet18"] < 0.1

from zoo.tutorials import claim

claim(
    "C7",
    "holds" if shares["alexnet"] > 0.5 > max(shares["googlenet"], shares["resnet18"]) else "does not hold",
    f"dense layers hold {shares['alexnet']:.0%} of AlexNet's parameters, {shares['googlenet']:.0%} of "
    f"GoogLeNet's and {shares['resnet18']:.0%} of ResNet-18's",
)

# %% [markdown]
# ## C11 · Two 3×3 convolutions against one 5×5
# Same receptive field, fewer weights: 2 · 9 C² against 25 C² (with C channels in and out).

# %%
C = 64
two_3x3 = 2 * conv_params(3, C, C)
one_5x5 = conv_params(5, C, C)
print(f"receptive field: two 3x3 = {receptive_field([(3, 1), (3, 1)])}, one 5x5 = {receptive_field([(5, 1)])}")
print(f"weights with C={C}: two 3x3 = {two_3x3:,}, one 5x5 = {one_5x5:,}  ({two_3x3 / one_5x5:.0%})")
stack = keras.Sequential([keras.Input((None, None, C)), keras.layers.Conv2D(C, 3), keras.layers.Conv2D(C, 3)])
single = keras.Sequential([keras.Input((None, None, C)), keras.layers.Conv2D(C, 5)])
assert stack.count_params() == two_3x3 and single.count_params() == one_5x5
assert stack.compute_output_shape((1, 32, 32, C)) == single.compute_output_shape((1, 32, 32, C))
same_view = receptive_field([(3, 1), (3, 1)]) == receptive_field([(5, 1)])
claim(
    "C11",
    "holds" if same_view and two_3x3 < one_5x5 else "does not hold",
    f"both see 5x5 and give 28x28 from 32x32; with C={C}: {two_3x3:,} weights against {one_5x5:,} "
    f"({1 - two_3x3 / one_5x5:.0%} fewer), and one more non-linearity",
)

# %% [markdown]
# ## C8 · The saving from 1×1 convolutions
# GoogLeNet's inception 3a module: a 5×5 convolution from 192 to 32 channels costs
# 25·192·32 weights directly, or 1·192·16 + 25·16·32 through a 1×1 reduction to 16 channels.

# %%
direct = conv_params(5, 192, 32)
reduced = conv_params(1, 192, 16) + conv_params(5, 16, 32)
print(f"5x5, 192->32 directly: {direct:,} weights; with a 1x1 reduction to 16: {reduced:,} ({reduced / direct:.1%})")
assert reduced < direct / 5
claim(
    "C8",
    "holds" if reduced < direct else "does not hold",
    f"inception 3a's 5x5 from 192 to 32 channels: {direct:,} weights directly, {reduced:,} through a 1x1 "
    f"reduction to 16 ({reduced / direct:.1%})",
)

# %% [markdown]
# ## C9, C12 · AlexNet, VGG and GoogLeNet
# AlexNet here is one stream with the combined widths; the paper split it across two GPUs
# because one 3 GB card could not hold it (see the `alexnet` docstring).

# %%
alexnet = zoo.create_model("alexnet")
convs = [layer for layer in alexnet.layers if isinstance(layer, keras.layers.Conv2D)]
denses = [layer for layer in alexnet.layers if isinstance(layer, keras.layers.Dense)]
dropouts = [layer for layer in alexnet.layers if isinstance(layer, keras.layers.Dropout)]
print(
    f"AlexNet: {len(convs)} conv + {len(denses)} dense layers, "
    f"activations {sorted({c.activation.__name__ for c in convs})}, "
    f"{len(dropouts)} dropout layers"
)
assert (len(convs), len(denses)) == (5, 3)
if "vgg16" in table:
    g, a, v = table["googlenet"][0], table["alexnet"][0], table["vgg16"][0]
    print(
        f"C12: GoogLeNet {g / 1e6:.1f} M parameters = {g / a:.0%} of AlexNet's and {g / v:.0%} of VGG-16's,"
        f" with {table['googlenet'][2]} layers against {table['alexnet'][2]} and {table['vgg16'][2]}."
    )
    claim(
        "C12",
        "holds" if g < a / 5 and g < v / 10 else "does not hold",
        f"GoogLeNet {g / 1e6:.1f} M parameters, AlexNet {a / 1e6:.1f} M, VGG-16 {v / 1e6:.1f} M",
    )

# %% [markdown]
# ## C10 · ReLU's gradient is 0 or 1
# The sigmoid's derivative is at most 0.25, so a chain of n sigmoid layers multiplies the
# gradient by at most 0.25ⁿ; ReLU's derivative is exactly 1 wherever the unit is active.

# %%
z = keras.ops.convert_to_tensor(np.linspace(-4, 4, 9).astype("float32"))
import tensorflow as tf  # noqa: E402  (gradients of element-wise functions; TensorFlow backend)

for fn in (keras.activations.relu, keras.activations.sigmoid, keras.activations.tanh):
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = fn(z)
    grad = tape.gradient(y, z).numpy()
    print(f"{fn.__name__:>8}: derivative from {grad.min():.3f} to {grad.max():.3f}")
    if fn is keras.activations.relu:
        relu_values = sorted({float(g) for g in grad})
    if fn is keras.activations.sigmoid:
        sigmoid_max = float(grad.max())
claim(
    "C10",
    "holds" if relu_values == [0.0, 1.0] else "does not hold",
    f"ReLU's derivative takes the values {relu_values} on [-4, 4]; the sigmoid's is at most {sigmoid_max:.3f}, "
    f"so 10 sigmoid layers scale a gradient by at most {sigmoid_max**10:.1e}",
)

# %% [markdown]
# ## C13 · Skip connections: a plain deep network against a residual one
# From scratch: the same stack of 3×3 convolution blocks twice, once plain and once with
# identity shortcuts (`zoo.models.cnn.resnet.basic_block`). Both are trained on the digits with
# the same settings; we compare their training curves.

# %%
from zoo.data.images import load_digits
from zoo.models.cnn.resnet import basic_block


def deep_net(blocks_per_stage, skip, width=16):
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(width, 3, padding="same", activation="relu")(inputs)
    for stage, filters in enumerate((width, 2 * width)):
        for b in range(blocks_per_stage):
            stride = 2 if (stage and b == 0) else 1
            if skip:
                x = basic_block(
                    x, filters, stride=stride, conv_shortcut=stride != 1 or x.shape[-1] != filters, name=f"s{stage}b{b}"
                )
            else:
                for i in range(2):
                    x = keras.layers.Conv2D(filters, 3, strides=stride if i == 0 else 1, padding="same")(x)
                    x = keras.layers.BatchNormalization()(x)
                    x = keras.layers.Activation("relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


digits = load_digits()
blocks = 2 if SMOKE else 8  # 8 blocks per stage: 2 * 8 * 2 + 2 = 34 layers
epochs = 2 if SMOKE else 20
curves = {}
for skip in (False, True):
    keras.utils.set_random_seed(0)
    model = deep_net(blocks, skip)
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(
        digits.x_train,
        digits.y_train,
        validation_data=(digits.x_test, digits.y_test),
        epochs=epochs,
        batch_size=64,
        verbose=0,
    )
    curves["residual" if skip else "plain"] = hist.history
    n_conv = sum(isinstance(layer, keras.layers.Conv2D) for layer in model.layers)
    print(
        f"{'residual' if skip else 'plain':>8}: {n_conv} conv layers, final train loss {hist.history['loss'][-1]:.3f}, "
        f"test accuracy {hist.history['val_accuracy'][-1]:.3f}"
    )

fig, axes = plt.subplots(1, 2, figsize=(10, 3.3))
for label, h in curves.items():
    axes[0].plot(h["loss"], label=label)
    axes[1].plot(h["val_accuracy"], label=label)
axes[0].set_ylabel("training loss")
axes[1].set_ylabel("test accuracy")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()
better = curves["residual"]["loss"][-1] < curves["plain"]["loss"][-1]
claim(
    "C13",
    "holds" if better else "does not hold",
    f"{2 * 2 * blocks + 2} layers deep, {epochs} epochs on the digits: training loss "
    f"{curves['residual']['loss'][-1]:.3f} with shortcuts against {curves['plain']['loss'][-1]:.3f} without; "
    f"test accuracy {curves['residual']['val_accuracy'][-1]:.3f} against {curves['plain']['val_accuracy'][-1]:.3f}",
)

# %% [markdown]
# The bottleneck (1×1 → 3×3 → 1×1) of ResNet-50 is the same trick as C8: a 3×3 on 64
# channels between 1×1 layers that map 256 → 64 → 256.

# %%
bottleneck = conv_params(1, 256, 64) + conv_params(3, 64, 64) + conv_params(1, 64, 256)
two_full = 2 * conv_params(3, 256, 256)
print(
    f"bottleneck block on 256 channels: {bottleneck:,} weights; two plain 3x3 on 256: {two_full:,} "
    f"({bottleneck / two_full:.1%})"
)

# %% [markdown]
# ## C14 · DenseNet's channel growth
# Each layer of a dense block concatenates 32 new channels (the growth rate) to its input;
# the transition's 1×1 convolution then halves them.

# %%
net = zoo.create_model("densenet121", include_top=False, input_shape=(64, 64, 3))
growth = [
    (layer.name, layer.output.shape[-1])
    for layer in net.layers
    if layer.name.endswith("_concat") or layer.name.endswith("_pool") and layer.name.startswith("pool")
]
block2 = [c for n, c in growth if n.startswith("conv2_")]
print("channels through dense block 1:", block2)
print("after transition 1 (1x1 conv + pooling):", dict(growth)["pool2_pool"])
assert np.all(np.diff(block2) == 32) and dict(growth)["pool2_pool"] == block2[-1] // 2
claim(
    "C14",
    "holds" if np.all(np.diff(block2) == 32) and dict(growth)["pool2_pool"] == block2[-1] // 2 else "does not hold",
    f"dense block 1 grows {block2[0]} -> {block2[-1]} channels by +32 per layer; the 1x1 transition halves "
    f"them to {dict(growth)['pool2_pool']}",
)
