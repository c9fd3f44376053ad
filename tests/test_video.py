"""Video classification (note 003, S8): clips whose class is the motion, per clip and per frame."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.clips import FRAME_MOTIONS, MOTIONS, make_clips
from zoo.models.multimodal.video import video_classifier

SMALL_VGG = {"width": 8, "blocks": 2, "convs_per_block": 1}


def centres(clips):
    """The shape's centre in every frame (the pixels that differ from the clip's median background)."""
    changed = np.abs(clips.videos - np.median(clips.videos, axis=1, keepdims=True)).sum(-1) > 0.25
    ys, xs = np.mgrid[0 : changed.shape[2], 0 : changed.shape[3]]
    area = changed.sum((2, 3))
    return (changed * xs).sum((2, 3)) / np.maximum(area, 1), (changed * ys).sum((2, 3)) / np.maximum(area, 1), area


def test_clips_move_as_their_labels_say():
    clips = make_clips(140, seed=0)
    assert clips.videos.shape == (140, 8, 32, 32, 3) and clips.videos.min() >= 0 and clips.videos.max() <= 1
    assert np.bincount(clips.labels, minlength=len(MOTIONS)).tolist() == [20] * len(MOTIONS)
    x, y, area = centres(clips)
    for i in range(len(clips)):
        motion = MOTIONS[clips.labels[i]]
        dx, dy, da = np.diff(x[i]).sum(), np.diff(y[i]).sum(), area[i, -1] - area[i, 0]
        if motion in ("left", "right", "up", "down"):
            along = {"left": -dx, "right": dx, "up": -dy, "down": dy}[motion]
            assert along > 4, (i, motion, dx, dy)
        if motion in ("grow", "shrink"):
            assert (da > 0) == (motion == "grow") and abs(da) > 10
        # per-frame labels: the motion into each frame; a bounce turns round exactly once
        names = [FRAME_MOTIONS[k] for k in clips.frame_labels[i]]
        turns = sum(a != b for a, b in zip(names, names[1:], strict=False))
        assert turns == (1 if motion == "bounce" else 0)
        if motion != "bounce":
            assert set(names) == {motion}
    again = make_clips(140, seed=0)
    assert np.array_equal(again.videos, clips.videos)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, "n must be a positive integer, got 0"),
        ({"n": 3, "frames": 2}, r"frames must be an integer >= 4"),
        ({"n": 3, "motions": ("spin",)}, r"Unknown motions \['spin'\]"),
    ],
)
def test_clip_arguments_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_clips(**kwargs)


@pytest.mark.parametrize("variant", ["cnn_rnn", "convlstm"])
def test_many_to_one_and_per_frame_outputs(variant):
    clips = make_clips(4, frames=5, seed=1)
    for per_frame, shape in ((False, (4, 7)), (True, (4, 5, 7))):
        model = video_classifier(
            variant=variant, per_frame=per_frame, input_shape=(None, 32, 32, 3), units=8, backbone_args=SMALL_VGG
        )
        y = keras.ops.convert_to_numpy(model(clips.videos))
        assert y.shape == shape
        np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-5)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"backbone must be a registered image classifier .* got 'lstm'"):
        video_classifier(backbone="lstm")
    with pytest.raises(ValueError, match=r"variant must be one of \('cnn_rnn', 'convlstm'\), got 'c3d'"):
        video_classifier(variant="c3d")


def test_frame_order_matters_to_the_trained_model():
    """Trained briefly, the CNN+GRU tells motions apart; played backwards, left reads as right, grow as shrink."""
    keras.utils.set_random_seed(0)
    motions = ("left", "right", "grow", "shrink")
    train, test = make_clips(480, frames=6, motions=motions, seed=0), make_clips(80, frames=6, motions=motions, seed=1)
    model = zoo.create_model(
        "video_classifier", input_shape=(6, 32, 32, 3), cell="gru", units=32, backbone_args=SMALL_VGG
    )
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train.videos, train.labels, epochs=6, batch_size=32, verbose=0)
    predicted = model.predict(test.videos, verbose=0).argmax(-1)
    assert (predicted == test.labels).mean() > 0.7  # chance: 0.25
    backwards = model.predict(test.videos[:, ::-1], verbose=0).argmax(-1)
    flipped = {
        MOTIONS.index(a): MOTIONS.index(b)
        for a, b in (("left", "right"), ("right", "left"), ("grow", "shrink"), ("shrink", "grow"))
    }
    expected = np.array([flipped[k] for k in test.labels])
    assert (backwards == expected).mean() > 0.6
