"""Progress lines as a container log shows them: few, whole, and in order."""

from __future__ import annotations

import io
import time

from bot.progress import PlainProgress, announce_if_slow


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_fast_build_gets_a_line_per_tenth_and_the_last() -> None:
    out, clock = io.StringIO(), Clock()
    progress = PlainProgress(out, clock=clock)

    progress.begin(5)
    for done in range(64, 944, 64):
        progress("Einbetten", done, 944)
    progress("Einbetten", 944, 944)

    assert out.getvalue().splitlines() == [
        "Wissensbasis wird eingelesen: 5 Dateien …",
        "Texte werden eingebettet: 944 …",
        *(f"… {done}/944 Texte eingebettet" for done in range(128, 944, 128)),
        "… 944/944 Texte eingebettet",
    ]


def test_a_slow_build_gets_a_line_every_few_seconds() -> None:
    out, clock = io.StringIO(), Clock()
    progress = PlainProgress(out, clock=clock)

    progress("Einbetten", 10, 1000)
    clock.now = 6.0
    progress("Einbetten", 20, 1000)  # only 1 % on, but 6 s since the last line
    clock.now = 7.0
    progress("Einbetten", 30, 1000)

    assert out.getvalue().splitlines()[1:] == ["… 20/1000 Texte eingebettet"]


def test_an_unknown_stage_still_shows_by_its_name() -> None:
    out = io.StringIO()
    PlainProgress(out)("Prüfen", 3, 3)
    assert out.getvalue().splitlines() == ["Prüfen: 3 …", "… 3/3"]


def test_one_file_is_one_file() -> None:
    out = io.StringIO()
    PlainProgress(out).begin(1)
    assert out.getvalue() == "Wissensbasis wird eingelesen: 1 Datei …\n"


def test_only_a_slow_step_is_announced() -> None:
    out = io.StringIO()
    with announce_if_slow(out, "Sprachmodell wird geladen …", after_s=0.05):
        pass
    with announce_if_slow(out, "Sprachmodell wird geladen …", after_s=0.05):
        time.sleep(0.5)
    time.sleep(0.1)  # a cancelled announcement must not arrive late either
    assert out.getvalue() == "Sprachmodell wird geladen …\n"


def test_a_long_first_batch_still_shows_signs_of_life() -> None:
    out, clock = io.StringIO(), Clock()
    progress = PlainProgress(out, clock=clock)
    progress.begin(5)

    clock.now = 10.0
    progress.tick()  # not yet: 10 s of quiet is normal
    clock.now = 16.0
    progress.tick()
    clock.now = 31.0
    progress.tick()
    progress("Einbetten", 64, 944)
    clock.now = 47.0
    progress.tick()

    assert out.getvalue().splitlines()[1:] == [
        "… Dokumente werden gelesen und verarbeitet (16 s)",
        "… Dokumente werden gelesen und verarbeitet (31 s)",
        "Texte werden eingebettet: 944 …",
        "… läuft noch (47 s)",
    ]


def test_the_sign_of_life_stops_with_the_work() -> None:
    out = io.StringIO()
    with PlainProgress(out).running() as progress:
        progress("Einbetten", 3, 3)
    assert out.getvalue().splitlines() == [
        "Texte werden eingebettet: 3 …",
        "… 3/3 Texte eingebettet",
    ]
