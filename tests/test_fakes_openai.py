"""The OpenAI fake speaks the chat completions protocol for real clients (langchain / openai)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import openai
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from tests.fakes.openai_api import FakeOpenAI, message_text


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def test_langchain_invoke_returns_configured_reply(fake: FakeOpenAI) -> None:
    fake.reply_with("Die Förderquote beträgt 90 %.")
    llm = ChatOpenAI(base_url=fake.base_url, api_key="x", model="m")

    result = llm.invoke("hi")

    assert result.content == "Die Förderquote beträgt 90 %."
    assert result.response_metadata["finish_reason"] == "stop"
    assert result.usage_metadata is not None
    assert result.usage_metadata["total_tokens"] > 0
    [request] = fake.requests
    assert request["model"] == "m"
    assert request["messages"] == [{"role": "user", "content": "hi"}]
    assert fake.request_headers[0]["authorization"] == "Bearer x"


def test_reply_fn_sees_the_prompt(fake: FakeOpenAI) -> None:
    fake.reply_fn(
        lambda messages: f"{len(messages)} Nachrichten, zuletzt: {message_text(messages[-1])}"
    )
    llm = ChatOpenAI(base_url=fake.base_url, api_key="x", model="m")

    result = llm.invoke(
        [SystemMessage("Kontext: RL Kommunale Prävention, Ziffer 4.2"), HumanMessage("Frage?")]
    )

    assert result.content == "2 Nachrichten, zuletzt: Frage?"
    assert "Ziffer 4.2" in fake.prompt_text()


async def test_async_and_streaming(fake: FakeOpenAI) -> None:
    fake.reply_with("Eine etwas längere Antwort, damit sie in mehrere Stücke zerfällt.")
    llm = ChatOpenAI(base_url=fake.base_url, api_key="x", model="m")

    result = await llm.ainvoke("hi")
    chunks = [chunk.content async for chunk in llm.astream("hi")]

    assert result.content == "Eine etwas längere Antwort, damit sie in mehrere Stücke zerfällt."
    assert len(chunks) > 2
    assert "".join(str(c) for c in chunks) == result.content
    assert [r.get("stream", False) for r in fake.requests] == [False, True]


def test_delay_longer_than_client_timeout_raises(fake: FakeOpenAI) -> None:
    fake.delay(2.0)
    llm = ChatOpenAI(
        base_url=fake.base_url,
        api_key="x",
        model="m",
        timeout=0.3,
        max_retries=0,
    )

    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        llm.invoke("hi")
    assert time.monotonic() - started < 1.5


def test_failures_and_models_endpoint(fake: FakeOpenAI) -> None:
    client = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
    assert [m.id for m in client.models.list()] == ["m"]

    fake.fail_with(500, times=1)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a"}])
    ok = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "a"}], stream=False
    )
    assert ok.object == "chat.completion"
    assert ok.choices[0].message.content == "Antwort vom Fake-LLM."

    fake.fail_with(429)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a"}])
    fake.fail_with(None)

    # Retries are real: one transient 503 is absorbed by the client's retry loop.
    fake.fail_with(503, times=1)
    retrying = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=1)
    retrying.chat.completions.create(model="m", messages=[{"role": "user", "content": "a"}])
    assert len(fake.requests) == 5

    raw = httpx.post(f"{fake.base_url}/embeddings", json={})
    assert raw.status_code == 404
    assert "error" in raw.json()
