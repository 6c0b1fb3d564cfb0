"""Settings: secrets never show in repr or str, bad values are explained in German."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings, german_problems

TOKEN = "123456:GEHEIM-bot-token"
API_KEY = "sk-GEHEIM-llm-key"
DB_PASSWORD = "GEHEIM-db-passwort"


def test_secrets_are_hidden_in_repr_and_str_but_usable() -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        llm_api_key=API_KEY,
        database_url=f"postgresql+psycopg://kp:{DB_PASSWORD}@db/kommpraev",
    )
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert "GEHEIM" not in shown
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.telegram_enabled
    assert DB_PASSWORD in settings.sqlalchemy_url  # what make_engine needs


def test_no_token_means_no_telegram() -> None:
    assert not Settings(_env_file=None).telegram_enabled


def _problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)
    return german_problems(raised.value)


def test_bad_values_are_named_as_in_env_and_explained_in_german(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problems = _problems(
        monkeypatch,
        TELEGRAM_WEBHOOK_PORT="abc",
        DRAFT_RETENTION_DAYS="-1",
        LLM_TIMEOUT_S="schnell",
        TELEGRAM_BOT_TOKEN=TOKEN,
    )
    assert sorted(problems) == [
        "DRAFT_RETENTION_DAYS: „-1“ muss mindestens 1 sein",
        "LLM_TIMEOUT_S: „schnell“ ist keine Zahl",
        "TELEGRAM_WEBHOOK_PORT: „abc“ ist keine ganze Zahl",
    ]


def test_the_reminder_must_come_before_the_deletion(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(monkeypatch, DRAFT_RETENTION_DAYS="7", DRAFT_REMINDER_DAYS="7")
    assert problems == [
        "DRAFT_REMINDER_DAYS muss kleiner als DRAFT_RETENTION_DAYS sein "
        "(die Erinnerung kommt vor dem Löschen)"
    ]
