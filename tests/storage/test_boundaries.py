"""The storage package's public surface (the dependency rule is in tests/test_architecture.py)."""

from __future__ import annotations

import bot.storage


def test_every_public_name_is_importable() -> None:
    for name in bot.storage.__all__:
        assert getattr(bot.storage, name) is not None
