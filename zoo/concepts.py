"""The study notes the tutorials mirror, and the 55 concepts and claims they teach.

This is the concept list the tutorials refer to by code (S1-S14, L1-L16, C1-C14,
V1-V5, A1-A6), in this project's own words. Each concept names the notes it comes
from; each tutorial's section headings name the codes they demonstrate
(`## S6 · The recurrence in NumPy`), and `tests/test_concepts.py` checks that
every code has such a section. `zoo tutorials --concepts` prints the list.

Keras-free: `zoo tutorials` reads it without importing Keras.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Note:
    """One of the five Korean study notes, cited by author, title and date as its copy gives them."""

    number: str
    title: str
    author: str
    date: str
    topic: str

    def citation(self) -> str:
        """`author, "title", date` in one line, saying which parts the note's copy does not give."""
        return f'{self.author}, "{self.title}", {self.date}'


NOTES = {
    "000": Note("000", "[딥러닝] LSTM 모델과 CNN 합성곱 신경망", "꿈이많은띵동이", "2024-12-02", "LSTM, GRU and CNNs"),
    "001": Note(
        "001",
        "Sequential Model (its first heading: the copy has no title line)",
        "author not named in the post",
        "undated (its blog's neighbouring posts are from March 2023)",
        "sequence models, RNN, LSTM and GRU",
    ),
    "002": Note("002", "2023-08-02 TIL", "author not named in the post", "2023-08-02", "CNNs, RNNs and Transformers"),
    "003": Note("003", "cs231n - lecture10(RNN)", "kkkkk1023", "2024-10-09", "cs231n lecture 10 on RNNs"),
    "004": Note("004", "LSTM 기본 개념", "Gongsam", "2023-10-19", "LSTM basics and the Keras TextGenerator"),
}


@dataclasses.dataclass(frozen=True)
class Concept:
    """One concept or claim: its code, what it says (in our words), the notes it comes from, and its group."""

    code: str
    text: str
    notes: tuple[str, ...]
    group: str
    claim: bool = False  # a statement that can be measured to hold or not, not only a definition


def _concepts(group, rows):
    return [Concept(code, text, tuple(notes.split()), group, claim) for code, text, notes, claim in rows]


CONCEPTS = tuple(
    _concepts(
        "Sequences and recurrent networks",
        [
            (
                "S1",
                "A sequence has no fixed length, so dense and convolutional layers cannot take it as it is.",
                "001 002",
                True,
            ),
            ("S2", "The naive sequence model conditions on the whole past, which grows with every step.", "001", False),
            ("S3", "An autoregressive model conditions on a window of the last tau values only.", "001 002", False),
            (
                "S4",
                "A Markov (first-order autoregressive) model conditions on the previous value alone, "
                "and so loses what came before it.",
                "001 002",
                True,
            ),
            ("S5", "A latent autoregressive model keeps a hidden state that sums up the past.", "001 002", False),
            (
                "S6",
                "An RNN applies one recurrence h_t = f_W(h_{t-1}, x_t), with the same weights at every step.",
                "003",
                False,
            ),
            (
                "S7",
                "Unrolled in time, an RNN is a deep stack of dense layers that share their weights.",
                "001 002",
                True,
            ),
            (
                "S8",
                "RNNs map one-to-many, many-to-one and many-to-many: captioning, sentiment, translation, video.",
                "003",
                False,
            ),
            (
                "S9",
                'A character model learns "hello": vocabulary h, e, l, o, one-hot inputs, W_xh, W_hh, W_hy, '
                "softmax loss and backpropagation.",
                "003",
                True,
            ),
            ("S10", "A plain RNN forgets what it saw long ago: its dependencies are short.", "000 001 002 003", True),
            (
                "S11",
                "Gradients vanish when the recurrent factor is below 1 and explode when it is above 1.",
                "001 002 003 004",
                True,
            ),
            ("S12", "tanh suits a plain RNN better than other activations.", "002", True),
            ("S13", "Clipping the gradient keeps exploding gradients in check.", "003", True),
            (
                "S14",
                "Trained on source code, single cells track quotes, line length, if-blocks and comments.",
                "003",
                True,
            ),
        ],
    )
    + _concepts(
        "LSTM and GRU",
        [
            (
                "L1",
                "The cell state is long-term memory (장기 기억); the hidden state is short-term memory.",
                "000 001 003 004",
                False,
            ),
            ("L2", "Gates are sigmoids, values between 0 and 1 that scale what passes through.", "000 001 004", False),
            (
                "L3",
                "The forget gate (삭제 게이트) f_t = sigma(W_xf x_t + W_hf h_{t-1} + b_f): 0 erases, 1 keeps.",
                "000 003 004",
                True,
            ),
            (
                "L4",
                "The input gate i_t and the candidate g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g).",
                "000 003 004",
                False,
            ),
            (
                "L5",
                "The cell update C_t = f_t * C_{t-1} + i_t * g_t: with f_t = 0 only the new input counts, "
                "with i_t = 0 only the old cell.",
                "000 003 004",
                True,
            ),
            ("L6", "The output gate o_t gives h_t = o_t * tanh(C_t).", "000 003 004", False),
            ("L7", "Every gate is affine in x_t and h_{t-1} before its nonlinearity.", "001", False),
            (
                "L8",
                "An LSTM keeps gradients alive over long sequences where a plain RNN loses them.",
                "000 001 003 004",
                True,
            ),
            (
                "L9",
                "The GRU has a reset gate r_t and an update gate z_t, a candidate state and no cell state.",
                "000 001 002",
                False,
            ),
            ("L10", "A GRU has fewer parameters than an LSTM of the same size.", "002", True),
            ("L11", "Neither GRU nor LSTM wins in general: GRU for little data, LSTM for much.", "000", True),
            (
                "L12",
                "Note 004's Keras TextGenerator: Embedding, two LSTM(return_sequences=True), Dense(vocab_size).",
                "004",
                False,
            ),
            ("L13", "An Embedding layer maps each token id to a learned vector.", "004", False),
            (
                "L14",
                "An LSTM's units are its hidden size: more units, more capacity and more risk of overfitting.",
                "004",
                True,
            ),
            ("L15", "Stacking LSTM layers helps more than adding units.", "004", True),
            (
                "L16",
                "Only the first stacked layer sees the input size; each later one takes the previous "
                "layer's output size.",
                "004",
                True,
            ),
        ],
    )
    + _concepts(
        "Convolutional networks",
        [
            ("C1", "An image is a (height, width, channels) tensor: 1 channel for grey, 3 for colour.", "000", False),
            (
                "C2",
                "A convolution slides a kernel over the input to give a feature map; more filters, more "
                "output channels.",
                "000 002",
                False,
            ),
            ("C3", "The stride is how far the kernel moves at each step.", "000 002", False),
            ("C4", "Without padding the map shrinks; zero padding keeps its size.", "000 002", True),
            (
                "C5",
                "A kernel has as many channels as its input, and their products sum into one map "
                "(3x3x3 input, 2x2x3 kernel, 2x2x1 map).",
                "000",
                True,
            ),
            (
                "C6",
                "Max and average pooling downsample (2x2, stride 2, halves the map), have no weights and "
                "keep the channel count.",
                "000",
                True,
            ),
            (
                "C7",
                "A CNN stacks convolution, pooling and dense layers; newer designs shrink the dense part "
                "because of its parameters.",
                "002",
                True,
            ),
            ("C8", "A 1x1 convolution saves parameters by cutting the channel count.", "002", True),
            (
                "C9",
                "AlexNet: five convolutions, three dense layers, ReLU, augmentation, dropout, two GPUs.",
                "002",
                False,
            ),
            ("C10", "ReLU's gradient is 0 or 1, which eases vanishing gradients.", "002", True),
            (
                "C11",
                "VGG uses only 3x3 filters: two of them see what one 5x5 sees, with fewer parameters.",
                "002",
                True,
            ),
            ("C12", "GoogLeNet's 1x1 convolutions give it far fewer parameters than AlexNet and VGG.", "002", True),
            (
                "C13",
                "ResNet's identity shortcuts let deeper networks train better; a 1x1 projection where shapes "
                "differ; the 1x1-3x3-1x1 bottleneck.",
                "002",
                True,
            ),
            (
                "C14",
                "DenseNet concatenates instead of adding, and 1x1 convolutions keep the growing channel "
                "count in check.",
                "002",
                True,
            ),
        ],
    )
    + _concepts(
        "Beyond classification",
        [
            ("V1", "Semantic segmentation gives every pixel a class.", "002", False),
            (
                "V2",
                "A fully convolutional network turns dense layers into convolutions with the same parameters, "
                "and then takes any input size.",
                "002",
                True,
            ),
            ("V3", "A transposed convolution (deconvolution) upsamples back to the input size.", "002", False),
            (
                "V4",
                "Detection went from R-CNN's region proposals and SVMs through SPPNet, Fast and Faster R-CNN "
                "to YOLO, each faster.",
                "002",
                True,
            ),
            (
                "V5",
                "Image captioning: a CNN's feature vector starts an RNN that writes words until <END>.",
                "003",
                False,
            ),
        ],
    )
    + _concepts(
        "Attention",
        [
            ("A1", "The Transformer models sequences with no recurrence: all N tokens at once.", "002", False),
            ("A2", "Each token's embedding is mapped to a query, a key and a value.", "002", False),
            (
                "A3",
                "Scores are query-key dot products through a softmax; the output is the weighted sum of values.",
                "002",
                False,
            ),
            ("A4", "Attention costs grow as N squared in the sequence length.", "002", True),
            ("A5", "A positional encoding supplies the order that attention by itself ignores.", "002", True),
            ("A6", "Attention is not only for language.", "002", True),
        ],
    )
)

BY_CODE = {concept.code: concept for concept in CONCEPTS}
