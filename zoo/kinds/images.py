"""Images: image classifiers on an image data set (`zoo.training.images`, `zoo.data.images`)."""

from __future__ import annotations

from zoo.kinds import DataKind, Flag, budget_text, flag_value, or_recipe, run_options, saved_line
from zoo.validation import positive_int_arg


class ImageKind(DataKind):
    """An image classifier on digits, faces, MNIST or CIFAR-10, split into training, validation and test."""

    name = "images"
    flags = (
        Flag("data", "digits", "digits, lfw_faces (face / not a face), mnist or cifar10"),
        Flag("upscale", 1, "enlarge by this integer factor", positive_int_arg),
        Flag("no_augment", False, "no random rotation, zoom, translation", switch=True),
        Flag("train_examples", None, "training images to use (default: all images)", positive_int_arg),
    )

    def load(self, args):
        """The `--data` image set, enlarged by `--upscale`."""
        import dataclasses

        from zoo.data.images import load_image_data, upscale

        data = load_image_data(args.data)
        if args.upscale > 1:
            data = dataclasses.replace(
                data, x_train=upscale(data.x_train, args.upscale), x_test=upscale(data.x_test, args.upscale)
            )
        return data

    def train(self, args, recipe):
        """Train with `zoo.training.images.train_image_classifier`; print the validation and test accuracy."""
        from zoo.training.images import train_image_classifier

        data = self.load(args)
        print(f"training {args.model} on {data} for {budget_text(args)}; output in {args.out}", flush=True)
        result = train_image_classifier(
            args.model,
            data,
            options=run_options(args),
            batch_size=or_recipe(args, recipe, "batch_size"),
            learning_rate=or_recipe(args, recipe, "learning_rate"),
            augment=not args.no_augment,
            train_examples=args.train_examples,
            **args.model_args,
        )
        if result.history:
            last = result.history[-1]
            print(f"\nvalidation accuracy {last['val_accuracy']:.4f} after {last['epoch']} epochs")
        print(f"test accuracy: {result.scores['accuracy']:.4f} ({len(data.y_test)} images)")
        print(saved_line(args.out))
        return result

    def held_out_scorer(self, model_name: str, train_args: tuple):
        """Accuracy on the `--data` set's test split (`zoo.training.held_out.test_accuracy`)."""
        import functools

        from zoo.training.held_out import test_accuracy

        return functools.partial(test_accuracy, data=flag_value(self, train_args, "data"))

    def epoch_metrics(self, model_name: str, model_args: dict) -> dict:
        """Accuracy on the held-out images (Keras's compiled metric)."""
        return {"val_accuracy": "max"}

    def search_data(self, args, recipe, fixed: dict):
        """The image set split as `zoo train` splits it (`zoo.tune.searching.image_search_data`), at most
        `--steps-per-epoch` batches an epoch."""
        from zoo.tune.searching import image_search_data

        data = image_search_data(
            self.load(args),
            batch_size=or_recipe(args, recipe, "batch_size"),
            augment=not args.no_augment,
            train_examples=args.train_examples,
            seed=args.seed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
        return data


KINDS = (ImageKind(),)
