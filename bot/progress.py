"""Plain progress lines for a start without a terminal: a pipe or a container log shows no bar.

A rich progress bar redraws one line in place; written to a pipe it prints nothing until the
end, and a newcomer watching `make run | cat` or `docker logs` sees minutes of silence. These
lines are few (about ten per stage) and each one is flushed at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

# The indexer names its stages; each gets a line when it begins and lines as it advances.
# Unknown stages still show, with their own name.
STAGE_LINES = {
    "Einbetten": ("Texte werden eingebettet: {total} …", "… {done}/{total} Texte eingebettet"),
}
SHARE_STEP = 0.1  # a line for every further 10 % ...
SECONDS_STEP = 5.0  # ... or, when a stage is slow, at least every 5 s of progress
QUIET_S = 15.0  # with no progress at all (the first batch of long texts), a sign of life
SLOW_AFTER_S = 1.5  # below this a step goes unannounced: it is over before anyone wonders


def count(n: int, one: str, many: str) -> str:
    """ "1 Datei", "5 Dateien": a first start on a one-file folder should read right too."""
    return f"{n} {one if n == 1 else many}"


def say(out: TextIO, line: str) -> None:
    """One whole line, flushed: a pipe would otherwise hold it back until the buffer fills."""
    out.write(line + "\n")
    out.flush()


class PlainProgress:
    """The indexer's progress callback as a handful of lines instead of a redrawn bar.

    With total=944 in batches of 64 (6.8 % each) it prints the stage line at 64, then 128/944,
    256/944 ... 896/944 (each at least 10 % on from the last line) and 944/944; a stage slower
    than 5 s per 10 % also gets a line whenever 5 s have passed since the last one. The indexer
    reports only after a whole batch: on a busy machine the first batch alone can take half a
    minute, so `running()` adds a line after every 15 s without one.
    """

    def __init__(self, out: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out
        self.clock = clock
        self._lock = threading.Lock()  # the callback and the sign of life write from two threads
        self._began = self._shown_at = clock()
        self._stage = ""
        self._shown = 0

    def begin(self, files: int) -> None:
        with self._lock:
            self._say(f"Wissensbasis wird eingelesen: {count(files, 'Datei', 'Dateien')} …")

    def __call__(self, stage: str, done: int, total: int) -> None:
        first, step = STAGE_LINES.get(stage, (f"{stage}: {{total}} …", "… {done}/{total}"))
        with self._lock:
            now = self.clock()
            if stage != self._stage:
                self._stage, self._shown = stage, 0
                self._say(first.format(total=total))
            if done <= self._shown:
                return
            far_enough = done - self._shown >= SHARE_STEP * total
            if done >= total or far_enough or now - self._shown_at >= SECONDS_STEP:
                self._shown = done
                self._say(step.format(done=done, total=total))

    def tick(self) -> None:
        """A sign of life when nothing has been said for QUIET_S seconds."""
        with self._lock:
            now = self.clock()
            if now - self._shown_at < QUIET_S:
                return
            elapsed = round(now - self._began)
            if self._stage:
                self._say(f"… läuft noch ({elapsed} s)")
            else:
                self._say(f"… Dokumente werden gelesen und verarbeitet ({elapsed} s)")

    @contextmanager
    def running(self) -> Iterator[PlainProgress]:
        """Call tick() every second from a helper thread while the block runs."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(1.0):
                self.tick()

        thread = threading.Thread(target=beat, name="progress-beat", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()

    def _say(self, line: str) -> None:
        self._shown_at = self.clock()
        say(self.out, line)


@contextmanager
def announce_if_slow(out: TextIO, line: str, *, after_s: float = SLOW_AFTER_S) -> Iterator[None]:
    """Say what the block is doing, but only once it has taken longer than after_s.

    Loading the embedding model takes a few milliseconds on a quiet machine and many seconds
    on a busy one; a line that appears only in the second case keeps the first start quiet.
    """
    timer = threading.Timer(after_s, say, args=(out, line))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
