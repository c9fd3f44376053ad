"""Scenes: segmenters and detectors on seeded synthetic scenes (`zoo.training.scenes`, `zoo.data.scenes`)."""

from __future__ import annotations

from zoo.kinds import DataKind, Flag, budget_text, or_recipe, run_options, saved_line
from zoo.validation import positive_int_arg


class SceneKind(DataKind):
    """Seeded scenes of shapes, with masks (segmentation) or boxes (detection); a held-out set scored at the end."""

    name = "scenes"
    flags = (
        Flag("scenes", 4000, "training scenes to make", positive_int_arg, reads_data=True),
        Flag("image_size", 64, "height and width in pixels", positive_int_arg, reads_data=True),
        Flag("validation_scenes", 200, "held out, scored every epoch", positive_int_arg, reads_data=True),
        Flag("test_scenes", 500, "held out, scored at the end", positive_int_arg),
    )

    def train(self, args, recipe):
        """Train with `train_segmenter` or `train_detector`
        (by the model's task); print the validation and test scores."""
        from zoo.registry import model_info
        from zoo.training.scenes import train_detector, train_segmenter

        segmenting = model_info(args.model).task == "semantic-segmentation"
        size = f"{args.image_size}x{args.image_size}"
        print(f"training {args.model} on {args.scenes} seeded {size} scenes for {budget_text(args)}; output in "
              f"{args.out}", flush=True)  # fmt: skip
        result = (train_segmenter if segmenting else train_detector)(
            args.model,
            args.scenes,
            options=run_options(args),
            image_size=args.image_size,
            validation_scenes=args.validation_scenes,
            test_scenes=args.test_scenes,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            **args.model_args,
        )
        if result.history:
            last = result.history[-1]
            score = f"mean IoU {last['val_mean_iou']:.4f}" if "val_mean_iou" in last else (
                f"mAP@0.5 {last['val_map']:.4f} (VOC rule)")  # fmt: skip
            print(f"\nvalidation {score} after {last['epoch']} epochs")
        print(f"test scenes: {result.scores}")
        print(saved_line(args.out, "predictions.png"))
        return result

    def held_out_scorer(self, model_name: str, train_args: tuple):
        """Mean IoU of a segmenter, or mAP@0.5 of a detector, on the test scenes of `zoo train`'s default run
        (`zoo.training.held_out`)."""
        from zoo.registry import model_info
        from zoo.training.held_out import scene_map, scene_mean_iou

        return scene_mean_iou if model_info(model_name).task == "semantic-segmentation" else scene_map

    def epoch_metrics(self, model_name: str, model_args: dict, data: str | None = None) -> dict:
        """A segmenter's mean IoU (Keras's `MeanIoU`), or a detector's mAP@0.5 by Pascal VOC's rule
        (`zoo.training.scenes.ValidationMAP`), on the validation scenes."""
        from zoo.registry import model_info

        return {"val_mean_iou" if model_info(model_name).task == "semantic-segmentation" else "val_map": "max"}

    def search_data(self, args, recipe, fixed: dict):
        """Scenes made and encoded as `zoo train` makes them (`zoo.tune.searching.scene_search_data`),
        at most `--steps-per-epoch` batches an epoch."""
        from zoo.tune.searching import scene_search_data

        data = scene_search_data(
            args.model,
            scenes=args.scenes,
            image_size=args.image_size,
            validation_scenes=args.validation_scenes,
            batch_size=or_recipe(args, recipe, "batch_size"),
            seed=args.seed,
            model_args=fixed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
        return data


KINDS = (SceneKind(),)
