"""German text normalisation for lexical search: tokens that survive umlauts, typos and compounds.

Municipal staff type on phones: "Foerderquote", "Eigenantiel", "Personalausgaben" when the
text says "Förderung", "Eigenanteil", "Personal". Both sides of the search run through the
same pipeline, so folding only has to be consistent, not linguistically perfect.

Measured against libraries (bench/german_tools.py): the hand-written compound splitter comes
within two held-out words of CharSplit, and the participle rules find more than simplemma,
without their hundreds of megabytes and seconds of loading. Edit distance is rapidfuzz's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

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

    Known shorthand first, so "telnr" becomes "Telefonnummer" rather than "telnummer".

    >>> expand_abbreviations("fh-abschluss, tel. 0351")
    'Fachhochschule-abschluss, Telefon 0351'
    """
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
    return _NR_SUFFIX.sub(lambda m: m.group(1) + "nummer", text)


def fold(text: str) -> str:
    """Lower-case and spell umlauts plain so "Förder", "Foerder" and "forder" meet.

    The one normalisation of the project: search and the draft checks (bot.drafts) both use it.

    >>> fold("Förderquote STRAẞE Foerderung")
    'forderquote strasse forderung'
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


# Linking elements between the parts of a compound, longest first: "Landeshaushalt",
# "Kinderschutz", "Maßnahmenplan", "Reisekosten".
_LINKS = ("ens", "es", "en", "er", "n", "s", "e")
# Short stems that are also suffixes: "folgend" is no "folg" + "end", "autorinn" no "inn".
_SUFFIX_LIKE = frozenset({"end", "and", "inn", "ern", "ent", "ant", "ung", "ier", "ist"})


def _known_head(head: str, vocabulary: frozenset[str] | set[str]) -> str | None:
    """The known stem a compound's first part stands for: "sicherheits" -> "sich"."""
    forms = [head, *(head[: -len(link)] for link in _LINKS if head.endswith(link))]
    for form in forms:
        for candidate in (form, stem(form)):
            if len(candidate) >= 4 and candidate in vocabulary:
                return candidate
    return None


def split_compound(token: str, vocabulary: frozenset[str] | set[str]) -> list[str]:
    """Parts of a compound stem that are themselves known stems.

    "personalausgab" with "personal" and "ausgab" in the vocabulary gives both. The first part
    may carry a linking element and is looked up stemmed ("zuwendungsempfang" -> "zuwend" +
    "empfang", "sicherheitsanalys" -> "sich" + "analys"); the leftmost split wins, so the
    known tail is as long as possible ("jugendsozialarbeit" -> "jugend" + "sozialarbeit").
    Failing that, the longest known tail carries the meaning of a German compound:
    "strassenbeleucht" -> "beleucht".
    """
    if len(token) < 7:
        return []
    for i in range(4, len(token) - 2):
        tail = token[i:]
        known_tail = tail if tail in vocabulary else stem(tail)
        if known_tail not in vocabulary or len(known_tail) < 3 or known_tail in _SUFFIX_LIKE:
            continue
        head = _known_head(token[:i], vocabulary)
        if head:
            return [head, known_tail]
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
    "durch",
    "zusammen",
)
# Participles without "ge": "beantragt", "verlängert", "erstattet"; and verbs in "-ieren".
_INSEPARABLE = ("be", "ver", "ent", "er", "zer", "emp", "miss")


def participle_bases(token: str) -> list[str]:
    """Stems a past participle may come from: "ausgezahlt" -> "auszahl", "gefordert" -> "forder".

    Users ask "wird das ausgezahlt?" where the text says "Auszahlung"; the stemmer keeps the
    participle's "ge" and "t", so the two never meet without this. A base is offered as it is,
    stemmed ("bewilligt" -> "bewill") and with "-ung" where the stemmer keeps it ("geprüft" ->
    "prufung"); "-iert" also offers "-ation" ("evaluiert" -> "evaluation").
    """
    cores = [
        prefix + token[len(prefix) + 2 :]
        for prefix in ("", *_SEPARABLE)
        if token.startswith(prefix + "ge") and len(token) > len(prefix) + 5
    ]
    if len(token) > 6 and (token.startswith(_INSEPARABLE) or token.endswith("iert")):
        cores.append(token)
    out: list[str] = []
    for core in cores:
        if core != token:
            out.append(core)
        if core.endswith("t"):
            base = core[:-1]
            out += [base, stem(base), base + "ung"]
        if core.endswith("iert"):
            out.append(core[:-4] + "ation")
    return list(dict.fromkeys(out))  # first mention wins: the order is part of the output


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent swaps count once), `limit + 1` if larger."""
    return int(OSA.distance(a, b, score_cutoff=limit))


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Whether `a` becomes `b` in at most `limit` edits, an adjacent swap counting once.

    "eigenantiel" ~ "eigenanteil" (one swap), "bekaria" ~ "beccaria" (two edits).
    """
    return edit_distance(a, b, limit) <= limit


class Vocabulary:
    """The corpus' stems, for compound splitting and typo repair of query tokens."""

    def __init__(self, corpus_tokens: Iterable[Iterable[str]]) -> None:
        self.stems: frozenset[str] = frozenset(t for doc in corpus_tokens for t in doc)
        self._by_prefix: dict[str, list[str]] = {}
        for s in sorted(self.stems):  # sorted: no list here may depend on the hash seed
            if len(s) >= 5:
                self._by_prefix.setdefault(s[:2], []).append(s)

    def expand(self, query_tokens: list[str]) -> list[str]:
        """Query tokens plus compound parts, and for unknown ones what they stand for.

        An unknown token is read as a participle first ("ausgezahlt" -> "auszahl", not the
        tail "zahlt"), then as a compound, then as a typo.
        """
        out: list[str] = []
        for tok in query_tokens:
            out.append(tok)
            if tok in self.stems or tok.isdigit():
                out.extend(split_compound(tok, self.stems))
                continue
            out.extend(self._bases(tok) or split_compound(tok, self.stems) or self._near(tok))
        return out

    def near(self, tok: str) -> list[str]:
        """Known stems an unknown token stands for: participle base or nearest spelling."""
        return self._bases(tok) or self._near(tok)

    def _bases(self, tok: str) -> list[str]:
        return [v for v in participle_bases(tok) if v in self.stems]

    def _near(self, tok: str) -> list[str]:
        """At most two known stems within 1 edit (2 from 7 letters), nearest first.

        Ties go to the shorter stem, then the alphabetically first, so the answer never
        depends on set order: "eigenantiel" -> ["eigenanteil"].
        """
        if len(tok) < 5:
            return []
        limit = 1 if len(tok) < 7 else 2
        near = self._within(tok, self._by_prefix.get(tok[:2], []), limit)
        if not near:
            # First letters differ more rarely than the rest; allow one look without the prefix.
            group = [c for key, cs in self._by_prefix.items() if key[0] == tok[0] for c in cs]
            near = self._within(tok, group, limit)
        near.sort(key=lambda found: (found[1], len(found[0]), found[0]))
        return [c for c, _ in near[:2]]

    @staticmethod
    def _within(tok: str, candidates: list[str], limit: int) -> list[tuple[str, int]]:
        found = extract(tok, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
        return [(c, int(distance)) for c, distance, _ in found]
