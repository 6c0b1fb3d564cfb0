"""Hand-written German tools against the libraries that could replace them; prints figures.

Compound splitting: `retrieval.german.split_compound` against CharSplit (PyPI `split-words`)
and `compound-split` (the same n-gram model plus a driver), each given the corpus vocabulary
the way search uses it. Word matching: the Snowball stemmer (plus participle bases, as search
uses it) against `simplemma` lemmas. Labelled data: tests/retrieval/test_german.py.

Asserts nothing and downloads nothing; a library that is not installed is reported as such.
The optional libraries are not project dependencies; to measure them, install them into a
scratch environment and put its site-packages on PYTHONPATH:

    .venv/bin/python -m bench.german_tools
"""

from __future__ import annotations

import importlib
import resource
import time
from collections.abc import Callable, Iterable
from types import ModuleType

from retrieval.german import fold, participle_bases, split_compound, stem, tokens
from tests.retrieval.test_german import (
    COMPOUND_VOCABULARY,
    COMPOUNDS,
    HELD_OUT_COMPOUNDS,
    NOT_COMPOUNDS,
    WORD_MATCHES,
    WORD_MISMATCHES,
)

Splitter = Callable[[str], list[str]]
Keys = Callable[[str], set[str]]
_LINKS = ("ens", "es", "en", "er", "n", "s", "e")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _known(part: str, *, head: bool) -> str | None:
    """The stem search would use for a splitter's surface part, if the corpus knows it."""
    low = part.lower()
    forms = [low, *(low[: -len(s)] for s in _LINKS if head and low.endswith(s))]
    for form in forms:
        for candidate in (fold(form), stem(form)):
            if candidate in COMPOUND_VOCABULARY and len(candidate) >= 3:
                return candidate
    return None


def _ngram_splitter(candidates: Callable[[str], list[tuple[float, str, str]]]) -> Splitter:
    """An n-gram splitter used like ours: best split whose parts the corpus knows."""

    def split(word: str) -> list[str]:
        ranked = [c for c in candidates(word) if c[0] > 0]
        for _, head, tail in ranked:
            h, t = _known(head, head=True), _known(tail, head=False)
            if h and t:
                return [h, t]
        for _, _, tail in ranked[:1]:
            t = _known(tail, head=False)
            if t:
                return [t]
        return []

    return split


def _ours(word: str) -> list[str]:
    (token,) = tokens(word)
    return split_compound(token, COMPOUND_VOCABULARY)


def _splitters() -> dict[str, tuple[Splitter | None, float, float]]:
    """Name -> (splitter or None if not installed, load seconds, MB it added)."""
    out: dict[str, tuple[Splitter | None, float, float]] = {"hand-written": (_ours, 0.0, 0.0)}
    rss, started = _rss_mb(), time.perf_counter()
    charsplit = _optional("split_words")
    if charsplit is not None:
        model = charsplit.Splitter()
        model.split_compound("Warmlaufen")  # loads the n-gram table
        split = _ngram_splitter(model.split_compound)
        out["CharSplit (split-words)"] = (split, time.perf_counter() - started, _rss_mb() - rss)
    else:
        out["CharSplit (split-words)"] = (None, 0.0, 0.0)
    rss, started = _rss_mb(), time.perf_counter()
    compound = _optional("compound_split.char_split")
    if compound is not None:
        compound.split_compound("Warmlaufen")
        split = _ngram_splitter(compound.split_compound)
        out["compound-split"] = (split, time.perf_counter() - started, _rss_mb() - rss)
    else:
        out["compound-split"] = (None, 0.0, 0.0)
    return out


def _score(split: Splitter, labelled: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    exact = tp = predicted_n = expected_n = n = 0
    for word, expected in labelled:
        predicted = set(split(word))
        n += 1
        exact += predicted == set(expected)
        tp += len(predicted & set(expected))
        predicted_n += len(predicted)
        expected_n += len(expected)
    precision = tp / predicted_n if predicted_n else 0.0
    recall = tp / expected_n if expected_n else 0.0
    return f"exact {exact:>2}/{n}  parts P {precision:.2f} R {recall:.2f}"


def compounds() -> None:
    print(f"Compound splitting, vocabulary of {len(COMPOUND_VOCABULARY)} stems")
    for name, (split, load_s, mb) in _splitters().items():
        if split is None:
            print(f"  {name:24} not installed")
            continue
        started = time.perf_counter()
        dev = _score(split, COMPOUNDS)
        per_word = (time.perf_counter() - started) / len(COMPOUNDS) * 1e6
        held = _score(split, HELD_OUT_COMPOUNDS)
        false = sum(bool(split(w)) for w in NOT_COMPOUNDS)
        print(f"  {name:24} dev {dev} | held-out {held}")
        print(
            f"  {'':24} false splits {false}/{len(NOT_COMPOUNDS)} | {per_word:,.0f} µs/word"
            f" | load {load_s:.1f} s, +{mb:.0f} MB"
        )


def _stem_keys(word: str) -> set[str]:
    return {stem(word.lower())}


def _our_keys(word: str) -> set[str]:
    s = stem(word.lower())
    return {s, *participle_bases(s)}


def _matchers() -> dict[str, tuple[Keys, Keys] | None]:
    """Name -> (query keys, corpus keys); two words match when the key sets meet."""
    out: dict[str, tuple[Keys, Keys] | None] = {
        "Snowball stem": (_stem_keys, _stem_keys),
        "Snowball + participles": (_our_keys, _stem_keys),
    }
    simplemma = _optional("simplemma")
    if simplemma is None:
        out["simplemma"] = None
        return out

    simplemma.lemmatize("Anträge", lang="de")  # loads the German dictionary

    def lemma(word: str) -> str:
        return str(simplemma.lemmatize(word, lang="de"))

    def lemma_keys(word: str) -> set[str]:
        return {fold(lemma(word))}

    def lemma_stem_keys(word: str) -> set[str]:
        return {stem(lemma(word).lower())}

    out["simplemma lemma"] = (lemma_keys, lemma_keys)
    out["simplemma lemma + stem"] = (lemma_stem_keys, lemma_stem_keys)
    out["participles + lemma (query)"] = (lambda w: _our_keys(w) | lemma_stem_keys(w), _stem_keys)
    return out


def word_matching() -> None:
    print("Word matching (query word finds corpus word; false merges of look-alikes)")
    rss, started = _rss_mb(), time.perf_counter()
    matchers = _matchers()
    load_s, mb = time.perf_counter() - started, _rss_mb() - rss
    for name, pair in matchers.items():
        if pair is None:
            print(f"  {name:28} not installed")
            continue
        query, corpus = pair
        started = time.perf_counter()
        hits = sum(bool(query(q) & corpus(c)) for q, c in WORD_MATCHES)
        per_pair = (time.perf_counter() - started) / len(WORD_MATCHES) * 1e6
        false = sum(bool(query(q) & corpus(c)) for q, c in WORD_MISMATCHES)
        print(
            f"  {name:28} found {hits:>2}/{len(WORD_MATCHES)}"
            f"  false merges {false:>2}/{len(WORD_MISMATCHES)}  {per_pair:,.0f} µs/pair"
        )
    if matchers.get("simplemma lemma") is not None:
        print(f"  (simplemma: import and dictionary {load_s:.1f} s, +{mb:.0f} MB)")


def main() -> None:
    compounds()
    print()
    word_matching()


if __name__ == "__main__":
    main()
