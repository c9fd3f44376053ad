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
# # 09 · Semantic segmentation: fully convolutional networks and transposed convolution
#
# Mirrors *Computer Vision Applications → Semantic Segmentation* in **note 002**
# (*2023-08-02 TIL*); concepts V1–V3. Each claim of the note is measured here.
#
# - **V1** semantic segmentation labels every pixel (*이미지의 특정 위치가 어떤 label 인지 분류*);
# - **V2** a fully convolutional network: dense layers become convolutions with the same
#   parameters (*Dense layer 대신 Convolutional layer를 쓰면, 파라미터나 차원의 수는 똑같음*),
#   so the network no longer depends on the input size (*Input의 dimension에 독립적*):
#   *convolutionalization*;
# - **V3** deconvolution (transposed convolution) upsamples back to the input size; it is not
#   an exact inverse of convolution (*Convolution의 역연산, 엄밀한 역은 아니지만*).
#
# We build each piece from scratch in NumPy, check it against Keras, then use zoo's
# `fcn32s`, `fcn16s` and `fcn8s` on scenes that `zoo.data.make_scenes` draws offline.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import time

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.data import make_scenes
from zoo.plotting import mask_colours, overlay
from zoo.tutorials import claim

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

# %% [markdown]
# ## V1 · A label for every pixel
# A scene is an image plus a **mask** of the same height and width whose value at each pixel
# is a class: 0 background, 1 circle, 2 square, 3 triangle, 4 star. The generator is seeded,
# so the same seed gives the same scenes; it also returns boxes and captions (tutorial 10 and
# the captioning model use them).

# %%
start = time.monotonic()
scenes = make_scenes(200 if SMOKE else 2000, seed=0)
print(f"{scenes} in {time.monotonic() - start:.2f} s")
print("image", scenes.images.shape, "mask", scenes.masks.shape, "one label per pixel:",
      scenes.images.shape[:3] == scenes.masks.shape)  # fmt: skip
fig, axes = plt.subplots(2, 6, figsize=(12, 4.3))
for i in range(6):
    axes[0, i].imshow(scenes.images[i])
    axes[0, i].set_title(scenes.captions[i].replace(", ", ",\n").replace(" and ", "\nand "), fontsize=6)
    axes[1, i].imshow(mask_colours(scenes.masks[i]))
for ax in axes.ravel():
    ax.axis("off")
plt.show()

# %% [markdown]
# Most pixels are background. That makes **pixel accuracy** a poor score: a "model" that
# answers *background* everywhere is right on most pixels. **Mean IoU** (intersection over
# union per class, averaged; `keras.metrics.MeanIoU`) is not fooled. Measured:

# %%
from zoo.models.segmentation import segmentation_scores

share = np.bincount(scenes.masks.ravel(), minlength=5) / scenes.masks.size
print("pixel share per class:", dict(zip(("background", *scenes.class_names), share.round(3).tolist(), strict=True)))
lazy = segmentation_scores(scenes.masks, np.zeros_like(scenes.masks), num_classes=5)
print(f"all-background prediction: {lazy}")
assert lazy.pixel_accuracy > 0.85 and lazy.mean_iou < 0.2

# %% [markdown]
# ## V2 · Convolutionalization from scratch
# A `Dense(n)` on a flattened h×w×c map multiplies by a (h·w·c, n) matrix. Reshape that
# matrix to (h, w, c, n) and it is the kernel of an h×w convolution: at one position, the
# convolution computes the same sum. We check it in NumPy on a 5×5×16 map (LeNet-5's, whose
# C5 layer LeCun described as exactly this 5×5 convolution).

# %%
rng = np.random.default_rng(0)
fmap = rng.standard_normal((5, 5, 16)).astype(np.float32)
dense_w = rng.standard_normal((5 * 5 * 16, 120)).astype(np.float32)
dense_out = fmap.reshape(-1) @ dense_w  # Flatten, then Dense
conv_kernel = dense_w.reshape(5, 5, 16, 120)
conv_out = np.einsum("hwc,hwcn->n", fmap, conv_kernel)  # a 5x5 convolution at its one valid position
print("same parameters:", dense_w.size == conv_kernel.size, "| max |dense - conv|:", np.abs(dense_out - conv_out).max())
assert np.allclose(dense_out, conv_out, atol=1e-4)

# %% [markdown]
# The library does this to a whole classifier: `zoo.segmentation.convolutionalize` copies a
# network whose head is `Flatten` + `Dense` layers, turning the first dense layer into an h×w
# convolution and the rest into 1×1 convolutions. On LeNet-5:

# %%
from zoo.models.segmentation import convolutionalize

keras.utils.set_random_seed(0)
lenet = zoo.create_model("lenet5")
fully_conv = convolutionalize(lenet)
print(f"LeNet-5: {lenet.count_params():,} parameters; convolutionalized: {fully_conv.count_params():,}")
x32 = rng.random((4, 32, 32, 1), np.float32)
difference = np.abs(keras.ops.convert_to_numpy(fully_conv(x32))[:, 0, 0] - keras.ops.convert_to_numpy(lenet(x32)))
print(f"same outputs on 32x32 inputs: max |difference| {difference.max():.2e}")
assert fully_conv.count_params() == lenet.count_params() and difference.max() < 1e-5

# %% [markdown]
# The classifier only accepts 32×32 images (its `Flatten` fixes the size); the fully
# convolutional copy takes any size and returns a map of class scores, one per 32×32 window
# (LeNet's total stride is 4). *Independent of the input dimension*, measured:

# %%
for size in ((32, 32), (48, 64), (100, 60)):
    out = fully_conv(np.zeros((1, *size, 1), np.float32))
    print(f"input {size} -> class-score map {tuple(out.shape[1:3])} x {out.shape[-1]} classes")
try:
    lenet(np.zeros((1, 48, 64, 1), np.float32))
    original_refuses = False
except Exception as err:  # the Flatten + Dense head needs 5x5x16 = 400 inputs
    print("the original classifier on 48x64:", type(err).__name__)
    original_refuses = True
any_size = all(fully_conv(np.zeros((1, *size, 1), np.float32)).shape[-1] == 10 for size in ((48, 64), (100, 60)))
claim(
    "V2",
    "holds"
    if fully_conv.count_params() == lenet.count_params() and difference.max() < 1e-5 and any_size
    else "does not hold",
    f"LeNet-5 convolutionalized: {fully_conv.count_params():,} parameters as before, outputs equal on 32x32 "
    f"(max |difference| {difference.max():.1e}), class-score maps from 48x64 and 100x60 inputs, where the "
    f"original {'refuses them' if original_refuses else 'also runs'}",
)

# %% [markdown]
# ## V3 · Transposed convolution ("deconvolution") from scratch
# A stride-s convolution shrinks a map about s times. A **transposed convolution** goes the
# other way: every input pixel *stamps* the kernel, scaled by its value, onto an output s
# times larger; overlapping stamps add up. It is the transpose (adjoint) of the convolution's
# linear map, which is where the name comes from; it is **not** its inverse.

# %%
def transposed_conv2d(x, kernel, stride):
    """x (H, W), kernel (k, k) -> (H * stride, W * stride), 'same' padding as Keras."""
    k = kernel.shape[0]
    h, w = x.shape
    full = np.zeros(((h - 1) * stride + k, (w - 1) * stride + k), np.float32)
    for i in range(h):
        for j in range(w):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += x[i, j] * kernel
    pad = (k - stride) // 2  # Keras's 'same': output exactly stride times the input
    return full[pad : pad + h * stride, pad : pad + w * stride]


small = rng.random((4, 5), np.float32)
kern = rng.random((4, 4), np.float32)
ours = transposed_conv2d(small, kern, 2)
layer = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False)
layer.build((None, 4, 5, 1))
layer.set_weights([kern[:, :, None, None]])  # the same kernel, not flipped: stamping is correlation's transpose
theirs = keras.ops.convert_to_numpy(layer(small[None, :, :, None]))[0, :, :, 0]
print("NumPy", ours.shape, "Keras", theirs.shape, "max |difference|", np.abs(ours - theirs).max())
assert np.allclose(ours, theirs, atol=1e-5)

# %% [markdown]
# **Not an exact inverse** (the note's *엄밀한 역은 아니지만*), measured: convolve a map down
# with stride 2, apply the transposed convolution with the same kernel, and compare. And the
# sense in which it *is* the transpose: ⟨Conv x, y⟩ = ⟨x, Conv^T y⟩ for any x, y.

# %%
conv = keras.layers.Conv2D(1, 4, strides=2, padding="same", use_bias=False)
conv.build((None, 8, 10, 1))
conv.set_weights([kern[:, :, None, None]])
tconv = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False)
tconv.build((None, 4, 5, 1))
tconv.set_weights([kern[:, :, None, None]])
big = rng.random((1, 8, 10, 1), np.float32)
down = conv(big)
back = keras.ops.convert_to_numpy(tconv(down))
relative = np.linalg.norm(back - big) / np.linalg.norm(big)
print(f"conv then transposed conv: relative error {relative:.2f} (0 would be an inverse)")
y = rng.random((1, 4, 5, 1), np.float32)
lhs = float(np.sum(keras.ops.convert_to_numpy(down) * y))
rhs = float(np.sum(big * keras.ops.convert_to_numpy(tconv(y))))
print(f"<Conv x, y> = {lhs:.5f}, <x, Conv^T y> = {rhs:.5f}")
assert abs(lhs - rhs) < 1e-4 * abs(lhs)

# %% [markdown]
# FCN starts its transposed convolutions as **bilinear interpolation**
# (`zoo.layers.BilinearUpsampling`): kernel size 2f, stride f, each channel reading only
# itself. Away from the border, where the zero padding enters, that is exactly
# `keras.ops.image.resize(..., "bilinear")`:

# %%
from zoo.layers import upsampling_layer

coarse = rng.random((1, 6, 6, 2), np.float32)
up = keras.ops.convert_to_numpy(upsampling_layer(2, 8, name="up8")(coarse))
resized = keras.ops.convert_to_numpy(keras.ops.image.resize(coarse, (48, 48), interpolation="bilinear"))
print("bilinear-initialised Conv2DTranspose vs resize, interior max |difference|:",
      float(np.abs(up[:, 8:-8, 8:-8] - resized[:, 8:-8, 8:-8]).max()))  # fmt: skip
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
for ax, img, title in zip(axes, (coarse[0, :, :, 0], up[0, :, :, 0], resized[0, :, :, 0]),
                          ("6x6 scores", "transposed conv, 8x", "bilinear resize"), strict=True):  # fmt: skip
    ax.imshow(img, cmap="viridis")
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## FCN-32s, 16s, 8s
# zoo's FCNs put the three ideas together on a VGG backbone from the CNN zoo: VGG's
# `fc1`/`fc2` convolutionalized into `fc6`/`fc7`, a 1×1 `score_fr` giving class scores at
# 1/32 of the input size, and bilinear-initialised transposed convolutions back up. FCN-16s
# and 8s add *skips*: scores from `pool4` (1/16) and `pool3` (1/8), which see finer detail.
# The paper's sizes (VGG-16, 4096-wide fc6/fc7) and our training size, on any input size:

# %%
for name in ("fcn32s", "fcn16s", "fcn8s"):
    info = zoo.model_info(name)
    paper = zoo.create_model(name) if not SMOKE else None
    ours = zoo.create_model(name, num_classes=5, **info.recipe.model_defaults)
    shapes = [tuple(ours(np.zeros((1, h, w, 3), np.float32)).shape[1:]) for h, w in ((64, 64), (72, 100))]
    count = f"{paper.count_params():,}" if paper is not None else "(skipped in smoke mode)"
    print(f"{name}: paper size {count} parameters; ours {ours.count_params():,}; outputs {shapes}")

# %% [markdown]
# Now train all three with the same recipe and budget (`zoo train fcn8s` runs the same
# trainer) and compare on held-out scenes. The claim from the FCN paper to check: the skips
# make the masks finer, so mean IoU rises from 32s to 16s to 8s.

# %%
from zoo.training.scenes import train_segmenter

minutes = 0.05 if SMOKE else 2.5
n_scenes = 128 if SMOKE else 4000
held_out = {"validation_scenes": 32, "test_scenes": 32} if SMOKE else {}  # the trainer scores 200 and 500
results = {}
for name in ("fcn32s", "fcn16s", "fcn8s"):
    start = time.monotonic()
    options = zoo.RunOptions(minutes=minutes, verbose=0, out_dir=f"runs/{name}", overwrite=True)
    result = train_segmenter(name, n_scenes, options=options, **held_out)
    model, rows, scores = result.model, result.history, result.scores
    results[name] = (model, scores)
    print(f"{name}: {len(rows)} epochs, {time.monotonic() - start:.0f} s; test {scores}; "
          f"IoU per class {np.round(scores.class_iou, 3).tolist()}")  # fmt: skip

# %% [markdown]
# The predictions of each on the same held-out scenes: FCN-32s's masks are blobs upsampled
# from a 2×2 grid of scores; the skips put the edges back.

# %%
from zoo.metrics import predict_masks
from zoo.training.scenes import TEST_SEED_OFFSET

test = make_scenes(6, seed=TEST_SEED_OFFSET)
fig, axes = plt.subplots(4, 6, figsize=(12, 8.3))
for i in range(6):
    axes[0, i].imshow(overlay(test.images[i], test.masks[i]))
    for row, (model, _) in enumerate(results.values(), start=1):
        axes[row, i].imshow(overlay(test.images[i], predict_masks(model, test.images[i : i + 1])[0]))
for ax, title in zip(axes[:, 0], ("truth", *results), strict=True):
    ax.set_title(title, loc="left", fontsize=9)
for ax in axes.ravel():
    ax.axis("off")
plt.show()
ious = [results[n][1].mean_iou for n in ("fcn32s", "fcn16s", "fcn8s")]
print("mean IoU 32s, 16s, 8s:", np.round(ious, 3).tolist(), "| rises with each skip:", ious[0] < ious[1] < ious[2])

# %% [markdown]
# ## Summary
# | claim (note 002) | measured here |
# |---|---|
# | V1 segmentation labels every pixel | masks have the image's size; pixel accuracy rewards |
# | | "all background", mean IoU does not |
# | V2 dense → convolution keeps the parameters | LeNet-5 61,706 = 61,706; outputs equal to 1e-5 |
# | V2 independent of the input size | one score map per window, for any input size |
# | V3 deconvolution upsamples, not an exact inverse | equals our stamping loop; conv then transposed |
# | | conv is far from the input, while ⟨Cx, y⟩ = ⟨x, Cᵀy⟩ holds |
# | FCN skips refine the masks | mean IoU of 32s, 16s, 8s in the cell above |
#
# `benchmarks/vision_goals.py` trains `fcn8s` for 10 minutes and reports its mean IoU
# (README, *Measured*); from the command line: `zoo train fcn8s --minutes 10`.
