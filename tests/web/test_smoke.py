from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import Submit, sign_in


def test_a_reviewer_sees_a_submitted_draft(client: TestClient, submit: Submit) -> None:
    draft_id = submit()
    sign_in(client)
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert f"/entwuerfe/{draft_id}" in inbox.text
    page = client.get(f"/entwuerfe/{draft_id}")
    assert page.status_code == 200, page.text
    print(page.text[:3000])
