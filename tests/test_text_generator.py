"""The TextGenerator of note 004."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data import DEFAULT_CHAR_VOCABULARY, TextCodec

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


def lstm_params(input_dim, units):
    return 4 * (input_dim * units + units * units + units)


def test_parameter_count_follows_l16_only_the_first_layer_sees_the_embedding():
    model = zoo.create_model("text_generator", vocab_size=50, embedding_dim=8, units=16, num_layers=3)
    model.build((None, None))
    expected = 50 * 8 + lstm_params(8, 16) + 2 * lstm_params(16, 16) + (16 * 50 + 50)
    assert model.count_params() == expected


class NoteTextGenerator(keras.Model):
    """Note 004's class as the note writes it (``tf.keras`` there, ``keras`` here)."""

    def __init__(self, vocab_size, embedding_size, hidden_size):
        super().__init__()
        self.embedding = keras.layers.Embedding(vocab_size, embedding_size)
        self.rnn_1 = keras.layers.LSTM(hidden_size, return_sequences=True)
        self.rnn_2 = keras.layers.LSTM(hidden_size, return_sequences=True)
        self.linear = keras.layers.Dense(vocab_size)

    def call(self, x):
        out = self.embedding(x)
        out = self.rnn_1(out)
        out = self.rnn_2(out)
        return self.linear(out)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((98, 64, 256), {}),
        ((), {"vocab_size": 98, "embedding_size": 64, "hidden_size": 256}),
        ((), {"vocab_size": 98, "embedding_dim": 64, "units": 256}),
    ],
    ids=["positional", "note-keywords", "zoo-keywords"],
)
def test_note_004_construction_builds_the_notes_model(args, kwargs):
    note = NoteTextGenerator(98, 64, 256)
    note(np.zeros((1, 5), "int32"))
    model = zoo.models.TextGenerator(*args, **kwargs)
    assert (model.vocab_size, model.embedding_dim, model.units, model.num_layers) == (98, 64, 256, 2)
    assert [type(layer).__name__ for layer in model.recurrent_layers] == ["LSTM", "LSTM"]
    assert model.count_params() == note.count_params()
    assert model.get_config()["embedding_dim"] == 64 and "embedding_size" not in model.get_config()


def test_note_names_that_disagree_with_zoos_names_are_refused():
    with pytest.raises(ValueError, match=r"hidden_size=256 \(note 004's name for units\) disagrees with units=32"):
        zoo.models.TextGenerator(98, units=32, hidden_size=256)


@pytest.mark.parametrize("cell, gates", [("lstm", 4), ("gru", 3), ("rnn", 1)])
def test_cells_and_shapes(cell, gates):
    model = zoo.create_model("text_generator", vocab_size=20, embedding_dim=4, units=6, num_layers=1, cell=cell)
    y = model(np.zeros((2, 7), "int32"))
    assert y.shape == (2, 7, 20)
    recurrent = model.recurrent_layers[0].count_params()
    bias = 2 * 6 * gates if cell == "gru" else 6 * gates  # Keras's GRU keeps two biases (reset_after)
    assert recurrent == gates * (4 * 6 + 6 * 6) + bias


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_states_carry_across_calls(cell):
    keras.utils.set_random_seed(0)
    model = zoo.create_model("text_generator", vocab_size=30, embedding_dim=5, units=7, cell=cell)
    ids = np.random.default_rng(0).integers(0, 30, (2, 10)).astype("int32")
    full = keras.ops.convert_to_numpy(model(ids))
    first, states = model(ids[:, :6], return_state=True)
    second = keras.ops.convert_to_numpy(model(ids[:, 6:], initial_state=states))
    first = keras.ops.convert_to_numpy(first)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), full, atol=1e-5)
    assert len(states) == 2 and len(states[0]) == model.state_size


def test_default_vocabulary_and_given_vocabulary():
    model = zoo.create_model("text_generator")
    assert model.vocab_size == len(DEFAULT_CHAR_VOCABULARY) == 98
    assert model.vocabulary == list(DEFAULT_CHAR_VOCABULARY)
    words = ["[UNK]", "the", "cat", "sat"]
    model = zoo.create_model("text_generator", vocabulary=words, units=8)
    assert model.vocab_size == 4 and model.vocabulary == words
    assert zoo.create_model("text_generator", vocab_size=12).vocabulary is None


def test_plain_token_lists_get_the_reserved_ids_in_front():
    text = "hello world"
    chars = sorted(set(text))  # the keras-io way
    model = zoo.create_model("text_generator", vocabulary=chars, units=8, embedding_dim=4)
    assert model.vocabulary == ["[UNK]", *chars] and model.vocab_size == len(chars) + 1
    codec = TextCodec(model.vocabulary)
    assert codec.encode("hold").tolist() == [chars.index(c) + 1 for c in "hold"]  # documented: id = position + 1
    assert codec.encode("z").tolist() == [0]
    words = zoo.create_model("text_generator", vocabulary=["the", "cat", "sat"], units=8, embedding_dim=4)
    assert words.vocabulary == ["", "[UNK]", "the", "cat", "sat"]  # id = position + 2
    assert TextCodec(words.vocabulary).encode("the dog sat").tolist() == [2, 1, 4]
    assert len(zoo.generate(model, "he", 5, temperature=0)) == 5
    config = model.get_config()
    assert type(model).from_config(config).vocabulary == model.vocabulary  # a layout kept as it is


def test_vocabulary_travels_in_the_saved_file(tmp_path):
    words = ["[UNK]", "a", "b", "c"]
    model = zoo.create_model("text_generator", vocabulary=words, units=8, embedding_dim=4)
    model(np.zeros((1, 3), "int32"))
    model.save(tmp_path / "m.keras")
    assert zoo.load_model(tmp_path / "m.keras").vocabulary == words


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"vocab_size": 2, "vocabulary": ["a", "b"]},
            r"vocab_size=2 disagrees with the vocabulary's 3 tokens \(1 reserved added to the 2 given\)",
        ),
        ({"vocabulary": ["a", "[UNK]"]}, r"reserved token\(s\) \['\[UNK\]'\] at positions \[1\]"),
        ({"vocabulary": ["a", "a", "b"]}, r"duplicate tokens: \['a'\]"),
        ({"cell": "transformer"}, r"cell must be one of \['gru', 'lstm', 'rnn'\], got 'transformer'"),
        ({"units": 0}, r"units must be a positive integer, got 0"),
        ({"num_layers": 1.5}, r"num_layers must be a positive integer, got 1.5"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\), got 1.0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        zoo.create_model("text_generator", **kwargs)
