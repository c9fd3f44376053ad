"""BLEU (Papineni et al., 2002): n-gram precision of generated text against references.

For every n up to `max_n`, the n-grams of each hypothesis are counted and
each count is clipped to the most times that n-gram appears in any one of its
references; the clipped matches and the hypothesis n-grams are summed over
the corpus, giving the modified precisions p_n. BLEU is their geometric mean
times a brevity penalty, `exp(1 - r / c)` when the hypotheses' total length
`c` is shorter than `r`, the sum of the reference lengths closest to each
hypothesis (ties: the shorter).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from zoo.errors import InputError
from zoo.validation import check_positive_int


def _ngrams(tokens, n) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _tokens(text):
    return text.split() if isinstance(text, str) else list(text)


def corpus_bleu(
    references: Sequence[str | Sequence[str | Sequence[str]]],
    hypotheses: Sequence[str | Sequence[str]],
    max_n: int = 4,
    smooth: bool = False,
) -> float:
    """Corpus BLEU-`max_n` in [0, 1].

    Args:
        references: per hypothesis, a list of references; a reference (and a
            hypothesis) is a string split on whitespace or a list of tokens. A
            single string per hypothesis is taken as its only reference.
        hypotheses: the generated texts.
        max_n: the longest n-gram counted (BLEU-4 by default), uniform weights.
        smooth: add one to the matches and counts of every n > 1 (Lin and
            Och's smoothing), so a sentence with no 4-gram match scores above 0.
    """
    if len(references) != len(hypotheses):
        raise InputError(f"Got {len(references)} reference sets for {len(hypotheses)} hypotheses; give one set each.")
    check_positive_int("max_n", max_n)
    matches, totals = [0] * max_n, [0] * max_n
    hyp_length = ref_length = 0
    for refs, hyp in zip(references, hypotheses, strict=True):
        refs = [_tokens(refs)] if isinstance(refs, str) else [_tokens(r) for r in refs]
        hyp = _tokens(hyp)
        hyp_length += len(hyp)
        ref_length += min((len(r) for r in refs), key=lambda length: (abs(length - len(hyp)), length))
        for n in range(1, max_n + 1):
            counts = _ngrams(hyp, n)
            most = Counter()
            for r in refs:
                most |= _ngrams(r, n)
            matches[n - 1] += sum(min(c, most[g]) for g, c in counts.items())
            totals[n - 1] += sum(counts.values())
    if smooth:
        matches = [matches[0]] + [m + 1 for m in matches[1:]]
        totals = [totals[0]] + [t + 1 for t in totals[1:]]
    if min(matches) == 0 or hyp_length == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / max_n
    brevity = 1.0 if hyp_length > ref_length else math.exp(1 - ref_length / hyp_length)
    return brevity * math.exp(log_precision)


def sentence_bleu(references, hypothesis, max_n: int = 4, smooth: bool = True) -> float:
    """BLEU of one hypothesis against its references (smoothed by default: short sentences)."""
    return corpus_bleu([references], [hypothesis], max_n=max_n, smooth=smooth)
