"""Images: image classifiers on an image data set (`zoo.training.images`, `zoo.data.images`)."""

from __future__ import annotations

import dataclasses

from zoo.errors import InputError
from zoo.kinds import DataKind, Flag, budget_text, flag_value, or_recipe, run_options, saved_line
from zoo.validation import positive_int_arg


class ImageKind(DataKind):
    """An image classifier on digits, faces, MNIST, CIFAR-10 or your own images (a folder of class subfolders
    or a CSV of path,label), split into training, validation and test."""

    name = "images"
    flags = (
        Flag("data", "digits", "digits, lfw_faces (face / not a face), mnist, cifar10, or your own images: a folder "
             "of class subfolders (ROOT/<class>/<image>) or a CSV of path,label", reads_data=True),  # fmt: skip
        Flag("image_size", 32, "your own images: resize each to N x N pixels", positive_int_arg, reads_data=True),
        Flag("color", "rgb", "your own images: read as rgb or grayscale", choices=("rgb", "grayscale"),
             reads_data=True),
        Flag("upscale", 1, "enlarge by this integer factor", positive_int_arg, reads_data=True),
        Flag("no_augment", False, "no random rotation, zoom, translation", switch=True),
        Flag("train_examples", None, "training images to use (default: all images)", positive_int_arg, reads_data=True),
        Flag("weights", None, "start from a pretrained model of the same architecture: a preset (zoo list "
             "--pretrained), a preset folder or a .keras file; its classifier is replaced", commands=("train",)),
        Flag("freeze", "none", "with --weights: train the new classifier only (backbone) or every layer (none)",
             choices=("none", "backbone"), commands=("train",)),
    )

    def check(self, args, recipe) -> None:
        """Read your own images' file list (`zoo.data.image_folder`) before TensorFlow starts, so a bad file, an
        empty class or a missing CSV column is refused at once; refuse `--image-size`/`--color` for a named set."""
        from zoo.data.image_folder import is_image_files_source

        self._check_weights(args)
        if is_image_files_source(args.data):
            files = self._read_files(args)
            self._check_channels(args, files.channels)
        elif (args.image_size, args.color) != (32, "rgb"):
            raise InputError(f"--image-size and --color apply to your own images (a folder or a CSV), not to "
                             f"{args.data}, whose images keep their own size and colours.")  # fmt: skip

    @staticmethod
    def _check_weights(args) -> None:
        import os

        from zoo.presets import is_preset, list_presets

        weights = getattr(args, "weights", None)
        if weights is None:
            if getattr(args, "freeze", "none") != "none":
                raise InputError("--freeze backbone needs --weights: a preset, a preset folder or a .keras file.")
            return
        if not (is_preset(weights) or
                (weights.endswith(".keras") and os.path.isfile(weights))):  # fmt: skip
            raise InputError(f"--weights {weights!r} is not a preset ({', '.join(list_presets(args.model)) or 'none'} "
                             f"for {args.model}), a preset folder or a .keras file.")  # fmt: skip
        if args.model_args:
            raise InputError(f"--weights fixes {args.model}'s architecture; drop {', '.join(args.model_args)}.")

    @staticmethod
    def _check_channels(args, channels: int) -> None:
        from zoo.presets import is_preset, preset_inputs
        from zoo.transfer import channels_hint

        weights = getattr(args, "weights", None)
        if weights is None or not is_preset(weights):
            return  # a .keras file is checked when it loads
        inputs = preset_inputs(weights)
        if inputs and inputs[0].shape[-1] != channels:
            wanted = inputs[0].shape[-1]
            raise InputError(f"--weights {weights} takes images with {wanted} channel(s), these have {channels}"
                             f"{channels_hint(wanted)}.")  # fmt: skip

    @staticmethod
    def _read_files(args):
        from zoo.data.image_folder import read_image_files

        if getattr(args, "image_files", None) is None:  # read once per command, by check or by load
            args.image_files = read_image_files(args.data, image_size=(args.image_size,) * 2, color=args.color,
                                                seed=args.seed)  # fmt: skip
            skipped = args.image_files.skipped
            if skipped:
                named = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
                print(f"skipped {len(skipped)} file(s) that are not images: {named}", flush=True)
        return args.image_files

    def load(self, args):
        """The `--data` image set, enlarged by `--upscale`: a named set, or your own files (`zoo.data.image_folder`),
        resized to `--image-size` and split by `--seed`."""
        from zoo.data.image_folder import is_image_files_source
        from zoo.data.images import load_image_data, upscale

        if is_image_files_source(args.data):
            return self._read_files(args)
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
            weights=args.weights,
            freeze=args.freeze,
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

    def epoch_metrics(self, model_name: str, model_args: dict, data: str | None = None) -> dict:
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

    def prepare_evaluation(self, args, source):
        """Your own images (every file of the folder or CSV, whose classes must be the model's where its run
        recorded them), or a named set's test split."""
        from zoo.data.image_folder import is_image_files_source, read_image_files

        if not is_image_files_source(args.data):
            from zoo.data.images import load_image_data

            return load_image_data(args.data)
        files = read_image_files(args.data, test_fraction=0)
        if source.class_names and source.class_names != files.class_names:
            raise InputError(f"{args.data} has classes {', '.join(files.class_names)}; {source.path} was trained on "
                             f"{', '.join(source.class_names)} (class folders or CSV labels must match).")  # fmt: skip
        return dataclasses.replace(files, x_train=files.x_train[:0], y_train=files.y_train[:0], x_test=files.x_train,
                                   y_test=files.y_train)  # fmt: skip

    def evaluate(self, args, source, prepared) -> dict:
        """Accuracy, per-class recall and precision and the confusion matrix (`zoo.inference`), printed, with
        `scores.json` and `confusion.png` written to `args.out`."""
        from zoo.inference import classification_scores, plot_confusion, predicted_classes
        from zoo.json_files import write_json_atomically
        from zoo.training.images import held_out_batches

        model = source.load()
        data = _fitted(prepared, model.input_shape[1:], source.path)
        if model.output_shape[-1] != data.num_classes:
            raise InputError(f"{source.path} tells {model.output_shape[-1]} classes apart; {args.data} has "
                             f"{data.num_classes}.")  # fmt: skip
        labels, probabilities = predicted_classes(model, held_out_batches(data))
        scores = classification_scores(labels, probabilities.argmax(axis=1), data.class_names)
        print(_scores_table(scores, source, args.data))
        args.out.mkdir(parents=True)
        write_json_atomically(args.out / "scores.json", {"model": source.path, "data": str(args.data), **scores})
        plot_confusion(scores, data.class_names, args.out / "confusion.png")
        print(f"written: {args.out / 'scores.json'}, {args.out / 'confusion.png'}")
        return scores

    def prepare_prediction(self, args, source):
        """The image files `args.inputs` name, checked, and the class names to label them with."""
        from zoo.data.images import CLASS_NAMES
        from zoo.inference import image_inputs

        names = source.class_names or CLASS_NAMES.get(source.settings.get("data"))
        return image_inputs(args.inputs), names

    def predict(self, args, source, prepared) -> list:
        """The `--top-k` classes of each image with their probabilities, printed and written to `--out`."""
        import numpy as np

        from zoo.data.image_folder import ImageFiles
        from zoo.inference import predicted_classes, top_k
        from zoo.training.images import held_out_batches

        paths, names = prepared
        model = source.load()
        names = names or tuple(str(i) for i in range(model.output_shape[-1]))
        none = np.zeros(0, dtype=np.int32)
        files = ImageFiles("inputs", np.asarray([], dtype=str), none, np.asarray([str(p) for p in paths]),
                           np.zeros(len(paths), dtype=np.int32), tuple(names))  # fmt: skip
        fitted = _fitted(files, model.input_shape[1:], source.path)
        _, probabilities = predicted_classes(model, held_out_batches(fitted))
        best = top_k(probabilities, names, args.top_k)
        records = [{"input": str(p), "top": top} for p, top in zip(paths, best, strict=True)]
        for r in records:
            print(f"{r['input']}: " + ", ".join(f"{name} {p:.3f}" for name, p in r["top"]))
        return records


def _fitted(data, input_shape: tuple, source: str):
    """`data` at the model's input shape: your own files resized (and read in its colours), a named set's images
    enlarged by the integer factor that fits; anything else refused."""
    from zoo.data.image_folder import ImageFiles
    from zoo.data.images import upscale

    height, width, channels = input_shape
    if isinstance(data, ImageFiles):
        return dataclasses.replace(data, image_size=(height, width), channels=channels)
    have = data.x_test.shape[1:]
    factor = height // have[0]
    if have[2] != channels or factor * have[0] != height or factor * have[1] != width:
        raise InputError(f"{source} takes images of shape {tuple(input_shape)}; {data.name}'s are {have}.")
    return dataclasses.replace(data, x_test=upscale(data.x_test, factor)) if factor > 1 else data


def _scores_table(scores: dict, source, data) -> str:
    lines = [f"{source.path} on {data}: accuracy {scores['accuracy']:.4f} ({scores['examples']} images)",
             f"{'class':>16} {'images':>7} {'recall':>7} {'precision':>9}"]  # fmt: skip
    for name, c in scores["per_class"].items():
        cell = [f"{v:.3f}" if v is not None else "-" for v in (c["recall"], c["precision"])]
        lines.append(f"{name:>16} {c['examples']:>7} {cell[0]:>7} {cell[1]:>9}")
    return "\n".join(lines)


KINDS = (ImageKind(),)
