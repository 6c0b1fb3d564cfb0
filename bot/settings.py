"""The one settings object of KommPräv-Lotse, read from the environment and `.env`.

Built once in `bot.cli.main` and passed down; tests build their own with `tmp_path`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the product, each with its environment variable name."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    data_dir: Path = Field(
        default=Path("data"), description="Index, database and uploads live here."
    )
    knowledge_dir: Path = Field(
        default=Path("knowledge"), description="Documents and FAQ the assistant answers from."
    )
    chroma_url: str = Field(
        default="", description="Chroma server URL; empty means the embedded store in DATA_DIR."
    )
    default_guideline: str = Field(
        default="RL KommPräv",
        description="Guideline assumed when a question names none.",
    )

    llm_base_url: str = Field(default="", description="OpenAI-compatible endpoint; empty: no LLM.")
    llm_model: str = Field(default="", description="Model name at the LLM endpoint.")
    llm_api_key: str = Field(default="", description="API key for the LLM endpoint, if needed.")
    llm_timeout_s: float = Field(default=20.0, gt=0, description="Give up on the LLM after this.")

    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite in DATA_DIR."
    )
    telegram_bot_token: str = Field(default="", description="Bot token from @BotFather.")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL in PTB's form (token appended).",
    )
    telegram_webhook_url: str = Field(
        default="", description="Public webhook URL; empty means long polling."
    )
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    staff_chat_id: int | None = Field(
        default=None, description="Telegram chat that is notified of submitted drafts."
    )

    office_email: str = Field(default="lpr@smi.sachsen.de")
    office_phone: str = Field(default="0351 564-3090")

    log_level: str = Field(default="INFO")

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kommpraev.db').resolve()}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
