"""German text normalisation for lexical search: tokens that survive umlauts, typos and compounds.

Municipal staff type on phones: "Foerderquote", "Eigenantiel", "Personalausgaben" when the
text says "Förderung", "Eigenanteil", "Personal". Both sides of the search run through the
same pipeline, so folding only has to be consistent, not linguistically perfect.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("german")
_WORD = re.compile(r"[a-z0-9äöüß]+(?:[.,][0-9]+)*")

# Words that carry no meaning for retrieval; kept short on purpose: "nicht" and "kein" matter.
STOPWORDS = frozenset(
    """
    der die das den dem des ein eine einer eines einem einen und oder aber auch als am an auf aus
    bei bis da dann dass durch fur für hat haben ich ihr im in ist ja mit nach noch nur ob sich sie
    sind so um uns von vor war was wer wie wir wird werden zu zum zur es er man mir mich gibt gibts
    kann konnen können muss mussen müssen darf durfen dürfen soll sollen welche welcher welches
    wo wann warum bitte mal denn eigentlich hallo danke dazu davon dafur dafür diese dieser dieses
    hier mein meine unser unsere euch eure ihre ihnen wenn wieviel viel viele vom beim
    geht gehen erst schon jetzt fertig machen macht gemacht tun genau klar okay ok nen ne
    bekommen kriegen kriegt krieg habe hab sagen sag sagt weiss weiß
    """.split()
)

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


# Chat shorthand of municipal staff, spelled out before search (both dense and lexical).
_ABBREVIATIONS = {
    "tel": "Telefon",
    "telnr": "Telefonnummer",
    "nr": "Nummer",
    "mwst": "Mehrwertsteuer Vorsteuer",
    "ust": "Umsatzsteuer Vorsteuer",
    "fh": "Fachhochschule",
    "uni": "Universität wissenschaftlicher Hochschulabschluss",
    "hs": "Hochschule",
    "ma": "Mitarbeiter",
    "vzä": "Vollzeitäquivalent Stelle",
    "vze": "Vollzeitstelle",
    "lk": "Landkreis",
    "gk": "Gebietskörperschaft",
    "kpr": "Kommunaler Präventionsrat KPR",
    "bzgl": "bezüglich",
    "max": "maximal höchstens",
    "min": "mindestens",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b\.?", re.IGNORECASE)
_NR_SUFFIX = re.compile(r"\b(\w{3,})nr\b\.?", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Spell out chat shorthand: "telefonnr vom lpr" -> "telefonnummer vom lpr".

    >>> expand_abbreviations("fh-abschluss, tel. 0351")
    'Fachhochschule-abschluss, Telefon 0351'
    """
    text = _NR_SUFFIX.sub(lambda m: m.group(1) + "nummer", text)
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)


def fold(text: str) -> str:
    """Lower-case and strip accents so "Förder", "Foerder" and "forder" meet.

    >>> fold("Förderquote STRAẞE")
    'forderquote strasse'
    """
    text = unicodedata.normalize("NFC", text.lower())
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return text.translate(_FOLD)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball German stem of one lower-case word, then folded (the stemmer wants umlauts)."""
    return fold(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case word tokens; numbers keep their decimal part ("10.000", "0,5")."""
    return _WORD.findall(unicodedata.normalize("NFC", text.lower()))


def tokens(text: str) -> list[str]:
    """Stemmed, folded content tokens of a text, stopwords removed."""
    text = expand_abbreviations(text)
    return [stem(w) for w in words(text) if (w not in STOPWORDS and len(w) > 1) or w.isdigit()]


def split_compound(token: str, vocabulary: frozenset[str] | set[str]) -> list[str]:
    """Parts of a compound stem that are themselves known stems.

    "personalausgab" with "personal" and "ausgab" in the vocabulary gives both; a linking
    "s" ("zuwendungsfah" -> "zuwend" + "fah") is tolerated. Failing that, the longest known
    tail carries the meaning of a German compound: "strassenbeleucht" -> "beleucht".
    """
    if len(token) < 8:
        return []
    for i in range(4, len(token) - 3):
        head, tail = token[:i], token[i:]
        if head not in vocabulary:
            continue
        for rest in (tail, tail[1:] if tail.startswith("s") else ""):
            if len(rest) >= 4 and (rest in vocabulary or stem(rest) in vocabulary):
                return [head, rest if rest in vocabulary else stem(rest)]
    for i in range(3, len(token) - 4):
        if token[i:] in vocabulary:
            return [token[i:]]
    return []


_SEPARABLE = (
    "aus",
    "ein",
    "an",
    "ab",
    "auf",
    "zu",
    "vor",
    "nach",
    "mit",
    "bei",
    "um",
    "zuruck",
    "dar",
    "fest",
    "weiter",
)


def participle_bases(token: str) -> list[str]:
    """Stems a past participle may come from: "ausgezahlt" -> "auszahl", "gefordert" -> "forder".

    Users ask "wird das ausgezahlt?" where the text says "Auszahlung"; the stemmer keeps the
    participle's "ge" and "t", so the two never meet without this.
    """
    out = []
    for prefix in ("", *_SEPARABLE):
        if token.startswith(prefix + "ge") and len(token) > len(prefix) + 5:
            rest = prefix + token[len(prefix) + 2 :]
            out += [rest, rest[:-1]] if rest.endswith("t") else [rest]
    return out


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance (adjacent swaps count once) bounded by `limit`.

    "eigenantiel" ~ "eigenanteil" (one swap), "bekaria" ~ "beccaria" (two edits).
    """
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


class Vocabulary:
    """The corpus' stems, for compound splitting and typo repair of query tokens."""

    def __init__(self, corpus_tokens: Iterable[Iterable[str]]) -> None:
        self.stems: frozenset[str] = frozenset(t for doc in corpus_tokens for t in doc)
        self._by_prefix: dict[str, list[str]] = {}
        for s in self.stems:
            if len(s) >= 5:
                self._by_prefix.setdefault(s[:2], []).append(s)

    def expand(self, query_tokens: list[str]) -> list[str]:
        """Query tokens plus compound parts and the nearest known stem for unknown ones."""
        out: list[str] = []
        for tok in query_tokens:
            out.append(tok)
            if tok in self.stems or tok.isdigit():
                out.extend(split_compound(tok, self.stems))
                continue
            parts = split_compound(tok, self.stems)
            if parts:
                out.extend(parts)
                continue
            out.extend(self.near(tok))
        return out

    def near(self, tok: str) -> list[str]:
        """Known stems an unknown token stands for: participle base or nearest spelling."""
        base = [v for v in participle_bases(tok) if v in self.stems]
        return base or self._near(tok)

    def _near(self, tok: str) -> list[str]:
        if len(tok) < 5:
            return []
        limit = 1 if len(tok) < 7 else 2
        candidates = self._by_prefix.get(tok[:2], [])
        near = [c for c in candidates if edit_distance_at_most(tok, c, limit)]
        if not near and tok[:1]:
            # First letters differ more rarely than the rest; allow one look without the prefix.
            near = [
                c
                for key, group in self._by_prefix.items()
                if key[0] == tok[0]
                for c in group
                if edit_distance_at_most(tok, c, limit)
            ]
        return sorted(near, key=len)[:2]
