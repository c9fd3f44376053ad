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
# # 07 · Convolution by hand: kernels, stride, padding, channels and pooling
#
# Mirrors the CNN half of **note 000** (*CNN 합성곱 신경망*) and the CNN bullets of
# **note 002**; concepts C1–C6.
#
# | note's term | English |
# | --- | --- |
# | 합성곱 연산 | convolution |
# | 커널 | kernel (filter) |
# | 특성 맵 | feature map |
# | 스트라이드 | stride |
# | (제로) 패딩 | (zero) padding |
# | 채널 | channel |
# | 최대 풀링 / 평균 풀링 | max pooling / average pooling |
#
# Everything is done twice: by hand in NumPy, then with Keras, and the two are compared.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np

from zoo.data.images import load_sample_image
from zoo.models.cnn.arithmetic import conv_output_size, conv_params

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

# %% [markdown]
# ## C1 · An image is a (height, width, channels) tensor
# *이미지는 (높이, 너비, 채널)이라는 3차원 텐서*: grey images have 1 channel, colour ones 3.

# %%
photo = load_sample_image("astronaut")
grey = load_sample_image("camera")
print("astronaut:", photo.shape, photo.dtype, "| camera:", grey.shape)
fig, axes = plt.subplots(1, 4, figsize=(12, 3))
axes[0].imshow(photo)
axes[0].set_title("RGB, 3 channels")
for i, c in enumerate("RGB"):
    axes[i + 1].imshow(photo[..., i], cmap="gray")
    axes[i + 1].set_title(f"channel {c}")
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# ## C2 · Convolution from scratch
# Slide the kernel over the image; at each position multiply element-wise and sum.
# (Deep-learning "convolution" does not flip the kernel: strictly it is
# cross-correlation, and Keras computes the same thing.)


# %%
def conv2d(image, kernel, stride=1, padding=0):
    """image (H, W, C_in), kernel (k, k, C_in, C_out) -> feature maps (H', W', C_out)."""
    if padding:
        image = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    k = kernel.shape[0]
    h = (image.shape[0] - k) // stride + 1
    w = (image.shape[1] - k) // stride + 1
    out = np.zeros((h, w, kernel.shape[3]), np.float32)
    for i in range(h):
        for j in range(w):
            window = image[i * stride : i * stride + k, j * stride : j * stride + k, :]
            out[i, j] = np.tensordot(window, kernel, axes=([0, 1, 2], [0, 1, 2]))
    return out


crop = grey[200:328, 200:328] if not SMOKE else grey[200:264, 200:264]
edges = np.zeros((3, 3, 1, 2), np.float32)
edges[..., 0, 0] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # Sobel: vertical edges
edges[..., 0, 1] = edges[..., 0, 0].T  # horizontal edges
ours = conv2d(crop, edges)

layer = keras.layers.Conv2D(2, 3, use_bias=False)
layer.build((None, None, None, 1))
layer.set_weights([edges])
theirs = np.asarray(layer(crop[None]))[0]
print("NumPy", ours.shape, "Keras", theirs.shape, "max |difference|", float(np.abs(ours - theirs).max()))
assert np.allclose(ours, theirs, atol=1e-4)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
for ax, img, title in zip(
    axes,
    (crop[..., 0], ours[..., 0], ours[..., 1]),
    ("input", "filter 1: vertical edges", "filter 2: horizontal edges"),
    strict=True,
):
    ax.imshow(img, cmap="gray")
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# Two filters gave two feature maps: **several filters give several output channels** (C2).
#
# ## C3, C4 · Stride and padding
# The output size along one axis is ⌊(n + 2p − k) / s⌋ + 1. Without padding the map shrinks
# by k − 1; zero padding of (k − 1)/2 keeps it; stride s divides it by about s.
# `zoo.models.cnn.arithmetic.conv_output_size` computes it; we check it against our NumPy convolution and
# against Keras, for each setting.

# %%
n = crop.shape[0]
print(f"input {n}x{n}, 3x3 kernel")
for stride, padding in ((1, 0), (1, 1), (2, 0), (2, 1), (3, 1)):
    by_formula = conv_output_size(n, 3, stride, padding)
    by_hand = conv2d(crop, edges, stride, padding).shape[0]
    keras_padding = "same" if padding == 1 else "valid"
    by_keras = keras.layers.Conv2D(1, 3, strides=stride, padding=keras_padding).compute_output_shape((None, n, n, 1))[1]
    print(
        f"  stride {stride}, padding {padding}: formula {by_formula}, NumPy {by_hand}, "
        f"Keras ({keras_padding}) {by_keras}"
    )
    assert by_formula == by_hand
    if padding == 0 or stride == 1:
        assert by_formula == by_keras
from zoo.tutorials import claim

shrink, kept = n - conv2d(crop, edges).shape[0], conv2d(crop, edges, 1, 1).shape[0] == n
claim(
    "C4",
    "holds" if shrink == 2 and kept else "does not hold",
    f"a 3x3 kernel without padding shrinks {n}x{n} by {shrink} (k - 1); zero padding of 1 keeps {n}x{n}: {kept}",
)

# %% [markdown]
# (With stride > 1, Keras's `"same"` padding pads only as much as needed and sometimes
# asymmetrically, so it can differ from symmetric padding by one; the formula with
# `padding="same"` gives Keras's number: ⌈n / s⌉.)
#
# ## C5 · A multi-channel input needs a kernel with as many channels
# The note's example: a 3×3×3 input and **one** 2×2×3 kernel give a 2×2×1 feature map;
# each channel is convolved with its slice of the kernel and the results are summed
# (*3개의 커널이 아니라 3개의 채널을 가진 1개의 커널*).

# %%
x = np.arange(27, dtype=np.float32).reshape(3, 3, 3) / 10
kernel = np.random.default_rng(0).normal(size=(2, 2, 3, 1)).astype(np.float32)
fmap = conv2d(x, kernel)
per_channel = sum(conv2d(x[..., c : c + 1], kernel[:, :, c : c + 1, :]) for c in range(3))
keras_map = keras.layers.Conv2D(1, 2, use_bias=False)
keras_map.build((None, 3, 3, 3))
keras_map.set_weights([kernel])
print(
    "feature map shape:",
    fmap.shape,
    "| equals the sum of the 3 per-channel convolutions:",
    np.allclose(fmap, per_channel),
    "| equals Keras:",
    np.allclose(fmap, np.asarray(keras_map(x[None]))[0], atol=1e-5),
)
print("weights: 2x2x3 kernel =", conv_params(2, 3, 1, bias=False), "numbers, one kernel with 3 channels")
assert fmap.shape == (2, 2, 1) and np.allclose(fmap, per_channel)
claim(
    "C5",
    "holds" if fmap.shape == (2, 2, 1) and np.allclose(fmap, per_channel) else "does not hold",
    f"3x3x3 input, one 2x2x3 kernel: a {fmap.shape} map, equal to the sum of the three per-channel maps",
)

# %% [markdown]
# ## C6 · Pooling: downsampling with no weights
# 2×2 max or average pooling with stride 2 halves the height and width, keeps the channel
# count, and has nothing to learn (*학습해야 할 가중치가 없고 연산 후에 채널 수가 변하지 않음*).


# %%
def pool2d(image, size=2, stride=2, op=np.max):
    h = (image.shape[0] - size) // stride + 1
    w = (image.shape[1] - size) // stride + 1
    out = np.zeros((h, w, image.shape[2]), np.float32)
    for i in range(h):
        for j in range(w):
            out[i, j] = op(image[i * stride : i * stride + size, j * stride : j * stride + size], axis=(0, 1))
    return out


maps = ours  # the two edge maps
for op, layer_cls in ((np.max, keras.layers.MaxPooling2D), (np.mean, keras.layers.AveragePooling2D)):
    layer = layer_cls(2, strides=2)
    pooled = pool2d(maps, op=op)
    keras_pooled = np.asarray(layer(maps[None]))[0]
    layer.build((None,) + maps.shape)
    print(
        f"{layer_cls.__name__}: {maps.shape} -> {pooled.shape}; equals Keras: "
        f"{np.allclose(pooled, keras_pooled, atol=1e-5)}; weights: {layer.count_params()}"
    )
    assert pooled.shape == (maps.shape[0] // 2, maps.shape[1] // 2, maps.shape[2]) and layer.count_params() == 0
claim(
    "C6",
    "holds" if pooled.shape == (maps.shape[0] // 2, maps.shape[1] // 2, maps.shape[2]) else "does not hold",
    f"2x2 max and average pooling, stride 2: {maps.shape} -> {pooled.shape}, 0 weights, channels kept",
)

# %% [markdown]
# ## Feature maps of a real network
# The first convolutions of a CNN learn edge and colour detectors much like the Sobel
# filters above. Here are the first layer's feature maps of `lenet5` trained on the
# digits for a short while.

# %%
from zoo.data.images import load_digits
from zoo.training import RunOptions
from zoo.training.images import train_image_classifier

digits = load_digits(upscale_factor=4)  # 32x32, LeNet's input size
options = RunOptions(epochs=2 if SMOKE else 15, verbose=0)
result = train_image_classifier("lenet5", digits, options=options, augment=False)
model, rows, accuracy = result.model, result.history, result.scores["accuracy"]
print(f"lenet5 on digits: test accuracy {accuracy:.3f}")
first = keras.Model(model.inputs, model.get_layer("c1").output)
maps = np.asarray(first(digits.x_test[:1]))[0]
fig, axes = plt.subplots(1, 7, figsize=(12, 2))
axes[0].imshow(digits.x_test[0, ..., 0], cmap="gray")
axes[0].set_title(f"digit {digits.y_test[0]}")
for i in range(6):
    axes[i + 1].imshow(maps[..., i], cmap="coolwarm")
    axes[i + 1].set_title(f"map {i + 1}")
for ax in axes:
    ax.axis("off")
plt.show()
