"""Fixtures for the draft tests."""

from __future__ import annotations

import pytest

from bot.drafts import Draft
from tests.drafts.factories import make_good_draft


@pytest.fixture
def good_draft() -> Draft:
    return make_good_draft()
