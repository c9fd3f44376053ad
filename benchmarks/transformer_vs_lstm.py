"""transformer_lm against the LSTM text_generator on the stdlib corpus: equal parameters, equal time.

    python benchmarks/transformer_vs_lstm.py                 # 5 minutes each
    python benchmarks/transformer_vs_lstm.py --minutes 1

Each model trains as ``zoo train`` trains it (its registry recipe: the LSTM on
carried-state streams of 64, the Transformer on windows of 128), for the same
wall-clock budget, in this process one after the other. The LSTM's ``units``
are chosen so its parameter count is the closest to the Transformer's.

Both are scored on the whole validation split in bits per character, cut into
independent windows of 128 (every model sees the same context); the LSTM is
also scored reading the split as continuous streams (its states carried), how
it reads text when it generates. The ratio of the window scores is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--max-chars", type=int, default=2_000_000)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)

    import zoo
    from zoo.data import TextCodec, load_corpus
    from zoo.training.carried_state import stream_bits, window_bits
    from zoo.training.text import matched_units, text_recipe, text_vocabulary

    corpus = load_corpus("stdlib", max_chars=args.max_chars)
    vocabulary = text_vocabulary(corpus)
    transformer_args = dict(text_recipe("transformer_lm").model_defaults)
    probe = zoo.create_model("transformer_lm", vocabulary=vocabulary, **transformer_args)
    probe.build((None, 8))
    lstm_args = {k: v for k, v in text_recipe("text_generator").model_defaults.items() if k != "units"}
    units = matched_units(probe.count_params(), vocabulary=vocabulary, **lstm_args)
    ids = TextCodec(vocabulary).encode(corpus.validation)

    results = {}
    for name, trainer, model_args in (
        ("transformer_lm", zoo.train_transformer_lm, {}),
        ("text_generator", zoo.train_text_generator, {"units": units}),
    ):
        start = time.monotonic()
        result = trainer(corpus, options=zoo.RunOptions(minutes=args.minutes, verbose=0), **model_args)
        model, rows = result.model, result.history
        seconds = time.monotonic() - start
        result = {
            "parameters": model.count_params(),
            "epochs": len(rows),
            "train_seconds": round(seconds, 1),
            "window_bits": window_bits(model, ids, 128),
        }
        if name == "text_generator":
            result["units"] = units
            result["stream_bits"] = stream_bits(model, ids, 128)
        results[name] = result
        print(name, json.dumps(result), flush=True)

    t, lstm = results["transformer_lm"], results["text_generator"]
    cores, params = os.cpu_count(), f"{t['parameters']:,} vs {lstm['parameters']:,}"
    print(f"\n{args.minutes:g} min each on {cores} cores; parameters {params}")
    print(f"bits per character, windows of 128: transformer {t['window_bits']:.3f}, LSTM {lstm['window_bits']:.3f}")
    print(f"ratio transformer / LSTM: {t['window_bits'] / lstm['window_bits']:.3f}")
    print(f"LSTM reading continuous streams: {lstm['stream_bits']:.3f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
