"""The real bot process on Telegram (a fake Bot API): a municipal employee's whole story, and
the odd things people send from a phone."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
import pypdf
import pytest

from bot.conversation import texts
from bot.settings import Settings
from tests.channels.story_helpers import BotProcess, Phone, running_bot
from tests.fakes.telegram_api import FakeTelegram, SentMessage

STAFF_CHAT = -100999


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token="123:TEST") as server:
        yield server


@pytest.fixture(scope="module")
def bot(
    fake: FakeTelegram, shipped_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    with running_bot(
        fake, data_dir=tmp_path_factory.mktemp("bot-data"), index=shipped_settings.index_dir,
        staff_chat_id=STAFF_CHAT,
    ) as process:  # fmt: skip
        yield process


def phone(fake: FakeTelegram, bot: BotProcess, user_id: int) -> Phone:
    return Phone(fake, bot, user_id)


def at_the_name_question(erika: Phone) -> None:
    """/antrag, then the privacy notice is confirmed: the first question is open."""
    erika.says("/antrag", replies=2)
    erika.taps("Verstanden, weiter")
    assert "Wie heißt die antragstellende Kommune" in erika.text()


def the_summary(erika: Phone) -> SentMessage:
    """/entwurf while a question is open: the summary, then that question again."""
    erika.says("/entwurf", replies=3)
    summary = erika.last[0]
    assert "Antragsentwurf Nr." in (summary.plain_text or ""), erika.texts()
    return summary


# ---------------------------------------------------------------------------------------------
# The whole story
# ---------------------------------------------------------------------------------------------


def test_an_employee_fills_checks_and_submits_a_draft_on_the_phone(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    erika = phone(fake, bot, 1001)

    erika.says("/start")
    assert "Willkommen beim KommPräv-Lotsen" in erika.text()
    assert erika.last[0].parse_mode == "HTML"
    menu = {c["command"]: c["description"] for c in fake.my_commands()}
    for command in ("start", "antrag", "entwurf", "pruefen", "einreichen", "meine_daten"):
        assert command in menu, menu
    assert menu["loeschen"] == "Alle meine Daten löschen"

    erika.says("/antrag", replies=2)
    assert "neuen Antragsentwurf" in erika.texts()[0]
    assert "Datenschutzhinweise" in erika.texts()[1]
    assert erika.buttons() == ["Verstanden, weiter"]
    erika.taps("Verstanden, weiter")
    assert "Wie heißt die antragstellende Kommune" in erika.text()

    erika.says("Stadt Pirna")
    assert {"Gemeinde", "Stadt"} <= set(erika.buttons())
    erika.taps("Stadt")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Am Markt 1", "01796", "Pirna"):
        erika.says(answer)
    for answer in ("Erika Muster", "Sachgebietsleitung Ordnungsamt", "e.muster@pirna.de"):
        erika.says(answer)
    erika.says("03501 556-0")
    assert "Pflichtberatung" in erika.text()
    assert erika.buttons()[:2] == ["Ja", "Nein"]

    erika.taps("Ja")
    erika.says("12.05.2026")
    erika.says("Sicher im Quartier")
    erika.says("Pirna-Copitz")
    erika.taps("Ja")  # in Saxony
    erika.says("01.03.2027")
    assert erika.text() == "Wann soll es enden?"

    # A question instead of the end date: answered with its source, then the same question.
    erika.says("Bis wann muss der Antrag eingereicht sein?", replies=3, timeout=60)
    answer, again, question = erika.texts()
    assert "15. Oktober" in answer and "Quelle" in answer, answer
    assert again == "Zurück zur offenen Frage:"
    assert question == "Wann soll es enden?"

    erika.says("31.12.2027")
    assert "Kommunale Präventionsrat" in erika.text()
    erika.says("Der KPR hat das Vorhaben beschlossen und begleitet es.")
    erika.taps("überspringen")  # partners
    erika.taps("Nein")  # no forwarding
    for number in range(1, 8):
        assert f"Schritt {number}" in erika.text()
        erika.says(f"Unser Text zu Schritt {number}: " + "Das Problem ist belegt. " * 10)

    erika.says("2027")
    erika.taps("Ja")  # personnel
    erika.says("Präventionskoordination")
    erika.taps("Hochschule")
    erika.says("EG 11")
    erika.says("0,5")
    erika.says("30.000")
    erika.taps("Nein")  # no further post
    erika.taps("Ja")  # material
    erika.says("Honorare Workshops")
    erika.says("6.000,00 €")
    erika.taps("Nein")  # no further item
    erika.taps("Nein")  # no further year
    for amount in ("3.600", "0", "0", "32.400"):
        erika.says(amount)
    assert "Vorsteuerabzug" in erika.text()
    erika.taps("Nein")
    assert "begonnen" in erika.text()
    erika.taps("Nein")
    assert "förmlichen Antrag" in erika.text()
    erika.says_until("15.10.2026", lambda m: "ändern: Vorhaben" in m.button_texts)
    assert "alle Fragen sind beantwortet" in erika.text()
    assert "Sicher im Quartier" in erika.text() and "32.400,00 €" in erika.text()

    # The summary; one field changed through its "ändern" button.
    erika.says_until("/entwurf", lambda m: "ändern: Vorhaben" in m.button_texts)
    assert "Antragsentwurf Nr." in erika.text() and "Erika Muster" in erika.text()
    assert "ändern: Vorhaben" in erika.buttons()
    erika.taps("ändern: Vorhaben")
    assert "Vorhaben" in erika.text() and "Titel" in erika.buttons()
    erika.taps("Titel")
    assert "Titel des Vorhabens" in erika.text()
    erika.says("Sicher & sauber in Copitz")
    (summary,) = erika.last
    assert "Geändert" in erika.text()
    assert "Titel: Sicher & sauber in Copitz" in erika.text()
    assert "Sicher &amp; sauber in Copitz" in (summary.text or "")
    assert "Sicher im Quartier" not in erika.text()

    erika.says("/pruefen")
    assert "Vorprüfung Ihres Antragsentwurfs" in erika.text()
    assert "Einreichen" in erika.buttons()

    # Summary and report together are longer than one Telegram message: it arrives in parts.
    erika.says_until("/einreichen", lambda m: "Ja, einreichen" in m.button_texts)
    assert "Sicher & sauber in Copitz" in erika.text() and "Vorprüfung" in erika.text()
    assert erika.buttons() == ["Ja, einreichen", "Nein, noch nicht"]
    erika.taps("Ja, einreichen")
    assert "Eingereicht" in erika.text()

    (notification,) = fake.wait_for_messages(STAFF_CHAT, 1, timeout=10)
    seen_by_staff = notification.plain_text or ""
    assert "Neuer Antragsentwurf eingereicht" in seen_by_staff
    assert "Stadt Pirna" in seen_by_staff and "Sicher & sauber in Copitz" in seen_by_staff
    assert "32.400,00 €" in seen_by_staff
    assert notification.parse_mode == "HTML"
    assert "Sicher &amp; sauber in Copitz" in (notification.text or "")

    assert all(m.parse_mode == "HTML" for m in erika.chat())
    assert erika.refused_sends() == []
    assert erika.answered_taps() == erika.tap_count  # no button kept spinning


# ---------------------------------------------------------------------------------------------
# Odd and hostile input
# ---------------------------------------------------------------------------------------------


def test_markup_in_an_answer_is_shown_as_typed(fake: FakeTelegram, bot: BotProcess) -> None:
    erika = phone(fake, bot, 2001)
    at_the_name_question(erika)
    erika.says("<b>fett</b> & <script>")
    assert "Welche Art von Körperschaft" in erika.text()

    summary = the_summary(erika)
    assert summary.parse_mode == "HTML"
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; &lt;script&gt;" in (summary.text or "")
    assert "Name: <b>fett</b> & <script>" in (summary.plain_text or "")
    assert summary.entities == []  # nothing became bold
    assert erika.refused_sends() == []


def test_a_sticker_and_a_photo_get_a_text_only_hint(fake: FakeTelegram, bot: BotProcess) -> None:
    erika = phone(fake, bot, 2002)
    erika.sends_sticker()
    assert "nur Text" in erika.text()
    erika.sends_photo()
    assert "nur Text" in erika.text()


def test_an_edited_message_changes_nothing_and_gets_a_hint(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    erika = phone(fake, bot, 2003)
    at_the_name_question(erika)
    erika.says("Stadt Pirna")
    assert "Welche Art von Körperschaft" in erika.text()
    replies_so_far = len(erika.chat())

    # "Stadt" would be a valid answer to the open question, if the edit were taken as one.
    erika.edits_last_message("Stadt")
    (hint,) = fake.wait_for_messages(2003, replies_so_far + 1, timeout=30)[replies_so_far:]
    assert hint.plain_text == texts.EDITED_MESSAGE_HINT
    summary = the_summary(erika)
    assert "Name: Stadt Pirna" in (summary.plain_text or "")
    assert "Art:" not in (summary.plain_text or "")
    assert "Welche Art von Körperschaft" in erika.texts()[-1]


def test_an_unknown_command_gets_a_hint_to_the_help(fake: FakeTelegram, bot: BotProcess) -> None:
    erika = phone(fake, bot, 2004)
    erika.says("/gibtsnicht")
    assert "/gibtsnicht" in erika.text() and "/hilfe" in erika.text()


def test_an_overlong_answer_to_a_short_field_is_refused(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    erika = phone(fake, bot, 2005)
    at_the_name_question(erika)
    erika.says("Stadt Pirna")
    erika.taps("Stadt")
    assert "Landkreis" in erika.text()

    erika.says("A" * 5000, replies=2)
    refusal, question = erika.texts()
    assert "zu lang" in refusal and "5000 Zeichen" in refusal and "300" in refusal
    assert "Landkreis" in question

    summary = the_summary(erika)
    assert "Landkreis:" not in (summary.plain_text or "")
    assert "AAAA" not in (summary.plain_text or "")
    assert "Landkreis" in erika.texts()[-1]  # still the open question


def test_a_button_on_an_old_message_changes_nothing(fake: FakeTelegram, bot: BotProcess) -> None:
    erika = phone(fake, bot, 2006)
    at_the_name_question(erika)
    erika.says("Stadt Pirna")
    (kind_question,) = erika.last
    erika.taps("Stadt")
    assert "Landkreis" in erika.text()

    erika.taps_old(kind_question, "Gemeinde", replies=2)
    old_button, question = erika.texts()
    assert "gilt nicht mehr" in old_button and "nichts geändert" in old_button
    assert "Landkreis" in question

    summary = the_summary(erika)
    assert "Art: Stadt" in (summary.plain_text or "")
    assert "Gemeinde" not in (summary.plain_text or "")
    assert erika.answered_taps() == erika.tap_count


def test_a_long_reply_is_split_below_the_telegram_limit(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    erika = phone(fake, bot, 2007)
    erika.says("/antrag", replies=2)
    the_summary(erika)
    first = "Wir & die <Polizei> planen gemeinsam. " * 90  # ~3 400 characters, no line break
    second = "Befragung von Anwohnern im Quartier. " * 90
    erika.taps("ändern: Beschreibung")
    for step, text in (("Schritt 1", first.strip()), ("Schritt 2", second.strip())):
        erika.taps(step)
        # After each change the section comes back, with its buttons on the last part.
        erika.says_until(text, lambda m: "Zur Übersicht" in m.button_texts)

    parts = erika.last
    assert len(parts) >= 2, erika.texts()
    assert all(len(m.plain_text or "") < 4096 for m in parts)
    assert all(m.parse_mode == "HTML" for m in parts)
    assert [bool(m.button_texts) for m in parts][-1] is True
    assert not any(m.button_texts for m in parts[:-1])  # the buttons come with the last part
    shown = "".join(erika.texts()).replace("\n", "")
    assert first.strip() in shown and second.strip() in shown
    assert erika.refused_sends() == []


# ---------------------------------------------------------------------------------------------
# Typed button words and changing one cost item without losing the rest
# ---------------------------------------------------------------------------------------------


def test_typing_zurueck_goes_back_and_is_never_stored_as_the_name(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    erika = phone(fake, bot, 3001)
    erika.says("/antrag", replies=2)
    erika.taps("Verstanden, weiter")
    erika.says("Gemeinde Kleinstadt")
    assert "Welche Art von Körperschaft" in erika.text()
    erika.says("zurück")
    assert "Wie heißt die antragstellende Kommune" in erika.text()
    erika.says("gemeinde")  # a button label typed in lower case
    assert "Welche Art" in erika.text()  # the name was typed: this is the next question

    erika.says("/abbrechen")
    erika.says("/entwurf", replies=1)
    assert "Name: gemeinde" in erika.text()
    assert "zurück" not in erika.text().split("Antragsteller", 1)[1].split("\n\n")[0]


def test_one_cost_item_is_changed_and_deleted_on_the_phone(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    max_ = phone(fake, bot, 3002)
    max_.says("/antrag", replies=2)
    max_.taps("Verstanden, weiter")
    max_.says("Stadt Riesa")
    max_.says("/abbrechen")
    max_.says("/entwurf")
    max_.taps("ändern: Ausgabenplan")
    max_.taps("+ Weiteres Jahr")
    max_.says("2027")
    max_.taps("Nein")  # no posts
    max_.taps("Ja")  # material
    max_.says("Flyer")
    max_.says("800")
    max_.taps("Ja")  # a further item
    max_.says("Honorare")
    max_.says("2.000")
    max_.taps("Nein")
    max_.taps("Nein")  # no further year: back to the plan
    assert "Flyer – 800,00 €" in max_.text() and "Honorare – 2.000,00 €" in max_.text()

    max_.taps("2027: Flyer")
    max_.taps("Betrag ändern")
    assert "Bisher gespeichert: 800,00 €" in max_.text()
    max_.says("1.200")
    assert "Flyer – 1.200,00 €" in max_.text() and "Honorare – 2.000,00 €" in max_.text()
    assert "Antragsteller" not in max_.text()  # the plan, not the whole draft

    max_.taps("2027: Flyer")
    max_.taps("Posten löschen")
    max_.taps("Ja, löschen")
    assert "Flyer" not in max_.text() and "Honorare – 2.000,00 €" in max_.text()

    # The plan as a file for the council: Word first, PDF with one tap.
    max_.says("/export", replies=2)
    (word,) = fake.sent_documents(3002)
    assert word.document is not None
    assert word.document.filename == "KommPraev-Entwurf-" + word.document.filename.split("-", 2)[2]
    assert word.document.filename.endswith("-v1.docx")
    text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(word.document.data)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Honorare" in text and "2.000,00 €" in text and "Stadt Riesa" in text
    max_.taps("Als PDF", replies=2)
    pdf = fake.sent_documents(3002)[-1].document
    assert pdf is not None and pdf.filename is not None and pdf.filename.endswith(".pdf")
    pages = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "2.000,00 €" in pages and "Stadt Riesa" in pages
