"""Issue 12's goals on seeded scenes: FCN-8s mean IoU and yolo_tiny mAP in 10 minutes, and
the note's "ever faster" (V4): an R-CNN-style region detector against the one-pass detector.

    python benchmarks/vision_goals.py [--minutes 10] [--out benchmarks/results] [--only seg|det|speed]

Goals (2 CPU cores): fcn8s reaches mean IoU >= 0.80 and yolo_tiny mAP@0.5 >= 0.7 on
held-out scenes within ``--minutes`` of training (``zoo train``'s recipes, nothing else).
Speed: both detectors run on the same held-out scenes; the region detector, trained in
the same run, is the baseline, and the one-pass detector's images/s is printed as a
ratio to it. A bar chart of images/s and mAP goes to ``OUT/detector_speed.png``.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import time

from zoo.training.runs import RunOptions

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _time_to(rows, key, goal):
    """Seconds of training until the validation score first reached ``goal`` (None: never)."""
    for r in rows:
        if r.get(key, 0) >= goal:
            return r["time_s"]
    return None


def segmentation(minutes, out):
    from zoo.training.scenes import train_segmenter

    start = time.monotonic()
    result = train_segmenter(
        "fcn8s", options=RunOptions(minutes=minutes, out_dir=out / "fcn8s", verbose=0, overwrite=True)
    )
    model, rows, scores = result.model, result.history, result.scores
    reached = _time_to(rows, "val_mean_iou", 0.80)
    print(
        f"fcn8s ({model.count_params():,} parameters), {len(rows)} epochs in {time.monotonic() - start:.0f} s: "
        f"test {scores}; per class {[round(v, 3) for v in scores.class_iou]}"
    )
    print(f"  validation mean IoU reached 0.80 after {reached:.0f} s" if reached else "  0.80 not reached")
    print(f"  goal mean IoU >= 0.80 within {minutes:g} min: {'met' if scores.mean_iou >= 0.8 else 'NOT met'}")
    return model


def detection(minutes, out):
    from zoo.training.scenes import train_detector

    start = time.monotonic()
    result = train_detector(
        "yolo_tiny", options=RunOptions(minutes=minutes, out_dir=out / "yolo_tiny", verbose=0, overwrite=True)
    )
    model, rows, scores = result.model, result.history, result.scores
    reached = _time_to(rows, "val_map", 0.70)
    print(
        f"yolo_tiny ({model.count_params():,} parameters), {len(rows)} epochs in {time.monotonic() - start:.0f} s: "
        f"test {scores}; per class {[round(v, 3) for v in scores.class_ap]}"
    )
    print(f"  validation mAP reached 0.70 after {reached:.0f} s" if reached else "  0.70 not reached")
    print(f"  goal mAP@0.5 >= 0.7 within {minutes:g} min: {'met' if scores.map >= 0.7 else 'NOT met'}")
    return model


def speed(detector, out, region_epochs=4, n_images=200):
    """images/s and mAP of the one-pass detector against the region detector on the same scenes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zoo.data.scenes import make_scenes
    from zoo.models.detection import detect, mean_average_precision
    from zoo.models.detection.rcnn import RegionDetector
    from zoo.training.scenes import TEST_SEED_OFFSET

    train = make_scenes(1500, seed=0)
    test = make_scenes(n_images, seed=TEST_SEED_OFFSET)
    start = time.monotonic()
    region = RegionDetector.build(train.class_names, train.image_shape)
    region.fit(train, epochs=region_epochs)
    fit_s = time.monotonic() - start
    results = {}
    for name, run in (
        ("region (R-CNN style)", lambda: region.detect(test.images)),
        ("one pass (yolo_tiny)", lambda: detect(detector, test.images)),
    ):
        run()  # warm up: compile, allocate
        start = time.monotonic()
        found = run()
        seconds = time.monotonic() - start
        scores = mean_average_precision(
            found.boxes, found.labels, found.scores, test.boxes, test.labels, test.num_classes
        )
        results[name] = (len(test) / seconds, scores.map)
    print(
        f"region detector: {len(region.proposals)} windows per image, classifier "
        f"{region.classifier.count_params():,} parameters, trained {fit_s:.0f} s"
    )
    (base_ips, base_map), (fast_ips, fast_map) = results.values()
    for name, (ips, m) in results.items():
        print(f"  {name:<22} {ips:9.1f} images/s  mAP@0.5 {m:.3f}")
    print(f"  one pass / region: {fast_ips / base_ips:.0f}x the images per second")
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    names = list(results)
    axes[0].bar(names, [v[0] for v in results.values()], color=["tab:gray", "tab:blue"])
    axes[0].set_yscale("log")
    axes[0].set_ylabel("images / s (log)")
    axes[1].bar(names, [v[1] for v in results.values()], color=["tab:gray", "tab:blue"])
    axes[1].set_ylim(0, 1)
    axes[1].set_ylabel("mAP@0.5")
    for ax in axes:
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(f"{len(test)} held-out scenes, 2 CPU cores", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "detector_speed.png", dpi=110)
    print(f"  plot: {out / 'detector_speed.png'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget of each model")
    parser.add_argument("--out", default="benchmarks/results", help="folder for models and plots")
    parser.add_argument("--only", choices=("seg", "det", "speed"), help="run one part (speed trains yolo_tiny)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "seg"):
        segmentation(args.minutes, out)
    if args.only in (None, "det", "speed"):
        detector = detection(args.minutes, out)
        if args.only in (None, "speed"):
            speed(detector, out)


if __name__ == "__main__":
    main()
