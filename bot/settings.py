"""The one settings object of KommPräv-Lotse, read from the environment and `.env`.

Built once in `bot.cli.main` and passed down; tests build their own with `tmp_path`.

Secrets are `SecretStr`: the bot token, the LLM key and the database URL (a PostgreSQL URL
carries its password). `repr`, `str` and tracebacks then show `**********`; only the one place
that hands a secret to a library calls `get_secret_value()`. The other URLs (Chroma, LLM,
Telegram API base) are expected without credentials: put a key into LLM_API_KEY instead.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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
    llm_api_key: SecretStr = Field(
        default=SecretStr(""), description="API key for the LLM endpoint, if needed."
    )
    llm_timeout_s: float = Field(default=20.0, gt=0, description="Give up on the LLM after this.")

    database_url: SecretStr = Field(
        default=SecretStr(""),
        description="SQLAlchemy URL; empty: SQLite in DATA_DIR. Secret: it may hold a password.",
    )
    draft_retention_days: int = Field(
        default=180,
        ge=1,
        description="Delete a draft still in `entwurf` after this many days without a change.",
    )
    question_log_days: int = Field(
        default=365,
        ge=1,
        description="Questions the bot could not answer (without the asker) are kept this long.",
    )
    draft_reminder_days: int = Field(
        default=7,
        ge=0,
        description="Remind the user this many days before such a deletion; 0: no reminder.",
    )
    telegram_bot_token: SecretStr = Field(
        default=SecretStr(""), description="Bot token from @BotFather."
    )
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

    review_enabled: bool = Field(
        default=True,
        description="Submitted drafts go to the review workspace's inbox; false: only to "
        "STAFF_CHAT_ID.",
    )
    review_host: str = Field(default="127.0.0.1", description="Address of the review workspace.")
    review_port: int = Field(default=8080, ge=1, le=65535)
    review_public_url: str = Field(
        default="",
        description="Address staff open the workspace at (links in notifications); empty: "
        "http://REVIEW_HOST:REVIEW_PORT.",
    )
    smtp_url: SecretStr = Field(
        default=SecretStr(""),
        description="smtp://user:password@host:port (or smtps://); empty: no e-mail.",
    )
    smtp_from: str = Field(default="kommpraev-lotse@localhost")
    review_notify_email: str = Field(
        default="", description="Address that gets an e-mail per submitted draft version."
    )

    office_email: str = Field(default="lpr@smi.sachsen.de")
    office_phone: str = Field(default="0351 564-3090")

    log_level: str = Field(default="INFO")

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @model_validator(mode="after")
    def _reminder_before_deletion(self) -> Settings:
        # German: the CLI shows this message as it is (see bot.cli._settings).
        if self.draft_reminder_days >= self.draft_retention_days:
            raise ValueError(
                "DRAFT_REMINDER_DAYS muss kleiner als DRAFT_RETENTION_DAYS sein "
                "(die Erinnerung kommt vor dem Löschen)"
            )
        return self

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in clear, for `make_engine` only (never log or print it)."""
        if url := self.database_url.get_secret_value():
            return url
        return f"sqlite:///{(self.data_dir / 'kommpraev.db').resolve()}"

    @property
    def review_url(self) -> str:
        """Where staff open the workspace, without a trailing slash."""
        base = self.review_public_url or f"http://{self.review_host}:{self.review_port}"
        return base.rstrip("/")

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_url.get_secret_value() and self.review_notify_email)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token.get_secret_value())

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


# Pydantic's messages are English; a person starting the bot reads these instead.
# Keyed by pydantic's error type; the constraint values come from the error's context.
_GERMAN = {
    "int_parsing": "ist keine ganze Zahl",
    "int_from_float": "ist keine ganze Zahl",
    "float_parsing": "ist keine Zahl",
    "bool_parsing": "ist weder true noch false",
    "greater_than_equal": "muss mindestens {ge} sein",
    "greater_than": "muss größer als {gt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "less_than": "muss kleiner als {lt} sein",
    "missing": "fehlt",
}


def german_problems(exc: ValidationError) -> list[str]:
    """One German line per invalid setting, named as in `.env`, e.g.
    `TELEGRAM_WEBHOOK_PORT: „abc“ ist keine ganze Zahl`.

    The value is quoted so that a typo is easy to spot, except for secret fields.
    """
    secret = {name for name, f in Settings.model_fields.items() if f.annotation is SecretStr}
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        context = error.get("ctx") or {}
        if error["type"] == "value_error":
            problem = str(context.get("error", error["msg"]))
        else:
            template = _GERMAN.get(error["type"], "ist ungültig ({msg})")
            problem = template.format(msg=error["msg"], **context)
        if not field:  # a rule across fields; its message names them
            lines.append(problem)
            continue
        shown = "" if field in secret or error["type"] == "missing" else f"„{error['input']}“ "
        lines.append(f"{field.upper()}: {shown}{problem}")
    return lines
