"""Every German sentence the conversation core says, in one place."""

from __future__ import annotations

GREETING = (
    "Willkommen beim KommPräv-Lotsen!\n\n"
    "Ich helfe sächsischen Kommunen bei Anträgen nach der Förderrichtlinie Kommunale "
    "Prävention (RL KommPräv):\n"
    "• Fragen zur Richtlinie beantworten – schreiben Sie einfach Ihre Frage, z. B. "
    "„Bis wann muss der Antrag eingehen?“\n"
    "• Schritt für Schritt einen Antragsentwurf erstellen: /antrag\n"
    "• den Entwurf vorprüfen (/pruefen) und an die Geschäftsstelle des Landespräventionsrates "
    "übergeben (/einreichen)\n\n"
    "Datenschutz kurz: Ich speichere nur, was Sie für den Antrag eingeben, und keinen Namen aus "
    "Telegram. Sie können alles einsehen (/meine_daten) und löschen (/loeschen). "
    "Mehr unter /datenschutz.\n\n"
    "Meine Antworten sind eine Orientierung, keine verbindliche Auskunft; verbindlich ist der "
    "Bescheid der Bewilligungsbehörde."
)


def help_text(documents: list[str]) -> str:
    """The help, naming the documents that are indexed right now."""
    listed = f" ({', '.join(documents)})" if documents else ""
    return HELP.replace("aus der Richtlinie.", f"aus den hinterlegten Unterlagen{listed}.")


HELP = (
    "So arbeiten Sie mit mir:\n"
    "• Frage eintippen – ich antworte mit Quelle aus der Richtlinie.\n"
    "/antrag – Antragsentwurf beginnen oder fortsetzen\n"
    "/entwurf – bisherige Angaben ansehen und ändern\n"
    "/entwuerfe – alle Ihre Entwürfe, zwischen ihnen wechseln\n"
    "/export – Entwurf als Word- oder PDF-Datei\n"
    "/pruefen – Vorprüfung: was fehlt noch, was verstößt gegen Regeln?\n"
    "/einreichen – Entwurf an die Geschäftsstelle übergeben\n"
    "/abbrechen – aktuelle Frage verlassen (der Entwurf bleibt gespeichert)\n"
    "/meine_daten – alles, was über Sie gespeichert ist\n"
    "/loeschen – alle Ihre Daten löschen\n"
    "/datenschutz – Hinweise zum Datenschutz\n"
    "/hilfe – diese Übersicht\n\n"
    "Bei Fragen mit Knöpfen können Sie auch die Antwort eintippen. "
    "„zurück“ führt zur vorigen Frage."
)

PRIVACY = (
    "Datenschutzhinweise\n\n"
    "Was wird gespeichert? Nur die Antragsangaben, die Sie hier eingeben, Ihre "
    "Telegram-Nutzerkennung (eine Nummer, kein Name) und der Stand des Dialogs. Ihren Namen oder "
    "Benutzernamen aus Telegram speichere ich nicht. Nachrichten werden kurz zwischengespeichert, "
    "damit bei einer Störung nichts verloren geht.\n\n"
    "Wozu? Um Ihren Antrag vorzubereiten und ihn auf Ihren Wunsch an die Geschäftsstelle des "
    "Landespräventionsrates (LPR) zu übergeben.\n\n"
    "Wie lange? Bis Sie die Daten löschen. Nie eingereichte Entwürfe lösche ich {days} Tage nach "
    "der letzten Änderung; vorher erinnere ich Sie daran.\n\n"
    "Wer sieht die Daten? Sie selbst und – erst nachdem Sie eingereicht haben – die "
    "Mitarbeiterinnen und Mitarbeiter der Geschäftsstelle LPR in ihrem Prüfarbeitsplatz. "
    "Fragen, die ich nicht beantworten konnte, und Ihre 👍/👎 sieht die Geschäftsstelle ohne "
    "Ihre Kennung, um die Antworten zu verbessern.\n\n"
    "Einsehen: /meine_daten · Löschen: /loeschen"
)


def privacy(retention_days: int) -> str:
    """The privacy notice with the retention period the operator configured."""
    return PRIVACY.format(days=retention_days)


PRIVACY_GATE = (
    "Bevor ich nach Angaben zu Ihrer Kommune und Ansprechperson frage, lesen Sie bitte die "
    "Datenschutzhinweise:"
)
PRIVACY_OK_LABEL = "Verstanden, weiter"
PRIVACY_STILL_OPEN = "Bitte bestätigen Sie zuerst die Datenschutzhinweise mit dem Knopf."

ONLY_TEXT = (
    "Ich verstehe nur Text – Sticker, Bilder und Dateien kann ich nicht auswerten. "
    "Bitte schreiben Sie Ihre Antwort oder Frage."
)
EMPTY = "Die Nachricht war leer. Bitte schreiben Sie Ihre Antwort oder Frage."
UNKNOWN_COMMAND = "Den Befehl /{name} kenne ich nicht. Eine Übersicht gibt /hilfe."
OLD_BUTTON = (
    "Dieser Knopf gehört zu einer früheren Nachricht und gilt nicht mehr. Es wurde nichts geändert."
)
TOO_LONG = (
    "Das ist zu lang für dieses Feld: {length} Zeichen, erlaubt sind höchstens {limit}. "
    "Bitte kürzen Sie die Angabe."
)
REQUIRED = "Bitte geben Sie hier etwas ein oder nutzen Sie „überspringen“."
NOT_A_CHOICE = "Bitte wählen Sie eine der Möglichkeiten mit den Knöpfen: {options}."
STEP_AGAIN = "Zurück zur offenen Frage:"

SKIP_LABEL = "überspringen"
BACK_LABEL = "zurück"
YES = "Ja"
NO = "Nein"

NO_DRAFT = "Sie haben noch keinen Antragsentwurf. Beginnen Sie mit /antrag."
RESUME_OFFER = (
    "Sie haben einen unfertigen Antragsentwurf (Nr. {draft_id}). Bisher erfasst:\n\n{summary}"
)
RESUME_LABEL = "Weiter ausfüllen"
NEW_DRAFT_LABEL = "Neuen Entwurf beginnen"
NEW_DRAFT = (
    "Wir beginnen einen neuen Antragsentwurf (Nr. {draft_id}). Ich frage Abschnitt für "
    "Abschnitt; Sie können jederzeit Fragen zur Richtlinie stellen, mit /abbrechen pausieren "
    "und später mit /antrag weitermachen."
)
RESUMED = "Weiter geht's mit Entwurf Nr. {draft_id}."
CANCELLED = (
    "In Ordnung, ich habe die Frage verlassen. Ihr Entwurf bleibt gespeichert; weiter mit "
    "/antrag, Übersicht mit /entwurf."
)
NOTHING_TO_CANCEL = "Gerade ist keine Frage offen. Übersicht: /hilfe."
ALL_ANSWERED = (
    "Geschafft – alle Fragen sind beantwortet. Prüfen Sie die Angaben unten; mit den Knöpfen "
    "können Sie jeden Abschnitt ändern."
)
EDIT_DONE = "Geändert."

SUMMARY_HEADER = "Antragsentwurf Nr. {draft_id} · Version {version} · Status: {status}"
STATUS_LABELS = {
    "entwurf": "Entwurf",
    "eingereicht": "eingereicht",
    "zurueckgegeben": "zur Überarbeitung zurückgegeben",
    "angenommen": "angenommen",
}
CHOOSE_SECTION = "Was möchten Sie ändern? Wählen Sie einen Abschnitt."
CHOOSE_FIELD = "Welche Angabe im Abschnitt „{section}“ möchten Sie ändern?"
CHECK_LABEL = "Vorprüfung"
SUBMIT_LABEL = "Einreichen"
SUMMARY_LABEL = "Zur Übersicht"
NEW_VERSION = (
    "Ihr Entwurf war bereits eingereicht. Ihre Änderung beginnt Version {version}; die "
    "eingereichte Fassung bleibt unverändert bei der Geschäftsstelle. Reichen Sie die neue "
    "Version mit /einreichen ein."
)

SUBMIT_CONFIRM = (
    "Übergabe an die Geschäftsstelle LPR – {summary}\n\n{report}\n"
    "Wichtig: Damit übergeben Sie den Entwurf der Geschäftsstelle für die vorgeschriebene "
    "Beratung. Das ist noch nicht der förmliche Antrag; den stellen Sie danach bei der "
    "Bewilligungsbehörde. Version {version} wird mit der Übergabe eingefroren; Änderungen "
    "ergeben eine neue Version."
)
SUBMIT_NOT_READY = (
    "Hinweis: Die Vorprüfung zeigt noch offene Punkte. Sie können trotzdem einreichen – die "
    "Geschäftsstelle klärt sie dann mit Ihnen in der Beratung."
)
SUBMIT_YES = "Ja, einreichen"
SUBMIT_NO = "Nein, noch nicht"
SUBMIT_CANCELLED = "Nicht eingereicht. Ihr Entwurf bleibt unverändert gespeichert."
SUBMITTED = (
    "Eingereicht: Entwurf Nr. {draft_id}, Version {version} ist bei der Geschäftsstelle LPR "
    "zur Beratung. Sie meldet sich bei Ihnen. Den förmlichen Antrag stellen Sie danach bei der "
    "Bewilligungsbehörde. Den Entwurf sehen Sie weiter mit /entwurf."
)
ALREADY_SUBMITTED = (
    "Entwurf Nr. {draft_id} ist bereits eingereicht (Version {version}). Wenn Sie etwas ändern, "
    "entsteht eine neue Version, die Sie erneut einreichen."
)
STAFF_NOTIFICATION = (
    "Neuer Antragsentwurf eingereicht\n"
    "Entwurf Nr. {draft_id}, Version {version}\n"
    "Antragsteller: {applicant}\n"
    "Vorhaben: {title}\n"
    "Beantragte Zuwendung: {grant}\n"
    "Vorprüfung: {readiness}"
)

MY_DATA_EMPTY = "Über Sie ist nichts gespeichert außer Ihrer Nutzerkennung."
MY_DATA_HEADER = (
    "Über Sie gespeichert:\n"
    "• Nutzerkennung: {user_id} (Kanal: {channel}), erster Kontakt {created}\n"
    "• Datenschutzhinweise bestätigt: {privacy}\n"
    "• Offene Frage im Dialog: {step}\n"
    "• Zwischengespeicherte Nachrichten: {inbox} eingegangen, {outbox} Antworten"
)
MY_DATA_DRAFT = (
    "Entwurf Nr. {draft_id} · Version {version} · {status} · {versions} eingefroren\n{summary}"
)
DELETE_CONFIRM = (
    "Soll ich wirklich alle Ihre Daten löschen – alle Entwürfe, auch eingereichte Fassungen in "
    "diesem Assistenten, und den Dialogstand? Das lässt sich nicht rückgängig machen."
)
DELETE_YES = "Ja, alles löschen"
DELETE_NO = "Nein, behalten"
DELETED = (
    "Alle Ihre Daten sind gelöscht. Wenn Sie mir wieder schreiben, beginnen wir von vorn. "
    "Bereits an die Geschäftsstelle übermittelte Anträge löscht diese nach ihren eigenen Regeln."
)
DELETE_CANCELLED = "Nichts gelöscht."

SOMETHING_WENT_WRONG = (
    "Entschuldigung, da ist etwas schiefgegangen. Ihr Entwurf ist gespeichert; bitte versuchen "
    "Sie es gleich noch einmal."
)
COMMAND_MENU = {
    "start": "Begrüßung und Überblick",
    "antrag": "Antragsentwurf beginnen oder fortsetzen",
    "entwurf": "Bisherige Angaben ansehen und ändern",
    "pruefen": "Vorprüfung des Entwurfs",
    "einreichen": "Entwurf an die Geschäftsstelle übergeben",
    "entwuerfe": "Alle meine Entwürfe",
    "export": "Entwurf als Word- oder PDF-Datei",
    "abbrechen": "Aktuelle Frage verlassen",
    "meine_daten": "Alles, was über mich gespeichert ist",
    "loeschen": "Alle meine Daten löschen",
    "datenschutz": "Hinweise zum Datenschutz",
    "hilfe": "Hilfe und Befehle",
}

FORWARD_LABEL = "An die Geschäftsstelle weitergeben"
FORWARDED = (
    "Ich habe Ihre Frage an die Geschäftsstelle des Landespräventionsrates weitergegeben. "
    "{reply_to}"
)
FORWARD_REPLY_TO_DRAFT = "Die Antwort kommt an die E-Mail-Adresse aus Ihrem Antragsentwurf."
FORWARD_REPLY_UNKNOWN = (
    "Damit die Geschäftsstelle antworten kann, schreiben Sie bitte zusätzlich kurz an {email} "
    "(Tel. {phone}) oder tragen Sie im Antragsentwurf eine E-Mail-Adresse ein."
)
STAFF_QUESTION = (
    "Weitergeleitete Frage aus dem KommPräv-Lotsen (Nutzerkennung {owner_id}), "
    "die die Unterlagen nicht beantworten:\n\n{question}\n\nAntwort an: {reply_to}"
)
SUGGESTION_STALE = "Diese Auswahl ist nicht mehr aktuell. Bitte stellen Sie Ihre Frage noch einmal."

# Delivery (Telegram): a start-up warning for the operator, and a truthful confirmation for
# the applicant when no staff chat is configured.
STAFF_CHAT_MISSING = (
    "STAFF_CHAT_ID ist nicht gesetzt: eingereichte Entwürfe und weitergeleitete Fragen "
    "erreichen niemanden in der Geschäftsstelle. Tragen Sie die Chat-ID der Gruppe der "
    "Geschäftsstelle in .env ein (STAFF_CHAT_ID=-100…) und starten Sie den Bot neu."
)
SUBMITTED_OFFICE_NOT_INFORMED = (
    "Eingereicht: Entwurf Nr. {draft_id}, Version {version}. Die Geschäftsstelle LPR wird "
    "von diesem Bot derzeit nicht automatisch benachrichtigt. Bitte senden Sie ihr Ihren "
    "Entwurf selbst, an {email} (Tel. {phone}). Sie können den Entwurf weiter mit /entwurf "
    "ansehen."
)

# The dialogue: changing answers, confirmations, cost items, several drafts, export.
CURRENT_VALUE = "Bisher gespeichert: {value}"
ASK_MODE_LABEL = "Frage stellen"
ASK_MODE = "Bitte schreiben Sie Ihre Frage. Danach geht es mit der offenen Frage weiter."
SUBMIT_STILL_OPEN = "Soll ich Version {version} jetzt an die Geschäftsstelle übergeben?"
RESUME_STILL_OPEN = "Mit Entwurf Nr. {draft_id} weitermachen oder einen neuen beginnen?"
CONFIRM_VALUE = "Habe ich das richtig verstanden: {value}?"
CONFIRM_VALUE_YES = "Ja, {value}"
CONFIRM_VALUE_NO = "Nein, neu eingeben"
CONFIRM_VALUE_AGAIN = "Gut, dann geben Sie es bitte noch einmal ein."
SAVE_OR_ASK = "„{text}“ – soll ich das als Antwort speichern oder als Frage beantworten?"
SAVE_LABEL = "Als Antwort speichern"
ASK_LABEL = "Als Frage beantworten"
EDIT_LEFT = "Nichts geändert."
ENTRY_ERROR = "Das kann ich so nicht übernehmen:"
ENTRY_WARNING = "Übernommen. Bitte beachten Sie:"
APPOINTMENT_SENT = (
    "Ihre Terminanfrage ist an die Geschäftsstelle des Landespräventionsrates gegangen. Sie "
    "meldet sich bei der Ansprechperson aus Ihrem Entwurf."
)
APPOINTMENT_NO_STAFF = (
    "Ich kann Ihre Terminanfrage derzeit nicht automatisch weitergeben. Bitte vereinbaren Sie "
    "den Beratungstermin direkt: {email}, Tel. {phone}."
)
STAFF_APPOINTMENT = (
    "Terminanfrage Pflichtberatung aus dem KommPräv-Lotsen (Nutzerkennung {owner_id})\n"
    "Antragsteller: {applicant}\nAnsprechperson: {contact}\nE-Mail: {email}\nTelefon: {phone}"
)
SUMMARY_EMPTY = "Noch keine Angaben erfasst."
SECTION_EMPTY = "Noch keine Angaben."
EXPORT_LABEL = "Als Datei (Word)"
EXPORTED = "Ihr Entwurf als {format}-Datei, z. B. für den Gemeinderat."
EXPORT_OTHER = "Als {format}"
ADD_YEAR_LABEL = "+ Weiteres Jahr"
ITEM_HEADER = "Posten im Ausgabenplan {year}:"
ITEM_DELETE_LABEL = "Posten löschen"
ITEM_DELETE_CONFIRM = "Soll ich diesen Posten wirklich aus dem Ausgabenplan löschen?"
ITEM_DELETE_YES = "Ja, löschen"
ITEM_DELETE_NO = "Nein, behalten"
ITEM_KEPT = "Nichts gelöscht."
ITEM_DELETED = "Posten gelöscht."
ITEM_GONE = "Diesen Posten gibt es nicht mehr."
BACK_TO_COSTS_LABEL = "Zurück zum Ausgabenplan"
SECTIONS_FILLED = "{filled} von {total} Abschnitten begonnen"
OTHER_DRAFTS_KEPT = (
    "Ihre bisherigen Entwürfe bleiben gespeichert; mit /entwuerfe wechseln Sie zwischen ihnen."
)
SWITCHED_SUBMITTED = (
    "Entwurf Nr. {draft_id} ist eingereicht. Wenn Sie etwas ändern, entsteht eine neue Version."
)
DRAFTS_HEADER = "Ihre Antragsentwürfe:"
DRAFT_EXPIRY_REMINDER = (
    "Ihr Antragsentwurf Nr. {draft_id} wurde länger nicht bearbeitet. Unfertige Entwürfe "
    "bewahren wir nur {retention_days} Tage nach der letzten Änderung auf; dieser wird am "
    "{delete_on:%d.%m.%Y} gelöscht.\n"
    "Möchten Sie ihn behalten, ergänzen oder ändern Sie bis dahin eine Angabe (/antrag). "
    "Eingereichte Entwürfe sind davon nicht betroffen."
)

# Intake (Telegram): what is not passed to the conversation, and a user sending too much at once.
EDITED_MESSAGE_HINT = (
    "Bearbeitete Nachrichten kann ich nicht berücksichtigen – bitte schicken Sie die Änderung "
    "als neue Nachricht."
)
PRIVATE_CHATS_ONLY = (
    "Ich antworte nur im privaten Chat. Bitte schreiben Sie mir direkt – tippen Sie dazu auf "
    "meinen Namen."
)
TOO_MANY_MESSAGES = (
    "Sie schicken gerade sehr viele Nachrichten – ich bearbeite die ersten {count} und lasse die "
    "weiteren aus. Bitte warten Sie meine Antworten ab und schicken Sie Fehlendes danach noch "
    "einmal."
)
FORWARD_THROTTLED = (
    "Sie haben in der letzten Stunde schon mehrere Fragen an die Geschäftsstelle weitergegeben. "
    "Weitere Fragen schicken Sie bitte direkt: {email}, Tel. {phone}."
)
SUBMIT_THROTTLED = (
    "Heute sind schon {limit} Fassungen eingereicht. Die Geschäftsstelle meldet sich zu Ihrem "
    "Entwurf; weitere Änderungen können Sie morgen wieder einreichen."
)

# --- Messages of the LPR office from the review workspace, and the user's answers to them. ---
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
OFFICE_QUERY = (
    "Rückfrage der Geschäftsstelle LPR zu Ihrem Entwurf Nr. {draft_id} (Version {version}):\n\n"
    "{message}\n\n"
    "Tippen Sie auf „Entwurf bearbeiten“, ändern Sie die Angaben und reichen Sie den Entwurf "
    "mit /einreichen erneut ein."
)
OFFICE_QUERY_BUTTON = "Entwurf bearbeiten"
OFFICE_NOTE = "\n\nHinweis der Geschäftsstelle: {message}"
OFFICE_ACCEPTED = (
    "Gute Nachricht: Die Geschäftsstelle LPR hat Ihren Entwurf Nr. {draft_id} (Version "
    "{version}) geprüft und hält ihn für antragsreif.{note}\n\n"
    "So geht es weiter: Stellen Sie den förmlichen Antrag mit diesen Angaben bei der "
    "Bewilligungsbehörde. Die geprüfte Fassung erhalten Sie mit /export als Datei."
)
OFFICE_REJECTED = (
    "Die Geschäftsstelle LPR hat Ihren Entwurf Nr. {draft_id} (Version {version}) so nicht "
    "befürwortet. Begründung:\n\n{reason}\n\n"
    "Sie können den Entwurf überarbeiten und erneut einreichen oder mit der Geschäftsstelle "
    "sprechen."
)
OFFICE_ANSWER = "Antwort der Geschäftsstelle LPR auf Ihre Frage „{question}“:\n\n{answer}"
OFFICE_SLOT = (
    "Die Geschäftsstelle LPR schlägt Ihnen für die Pflichtberatung diesen Termin vor: "
    "{when}.{note}\n\nPasst Ihnen der Termin?"
)
SLOT_ACCEPT = "Termin bestätigen"
SLOT_DECLINE = "Passt nicht"
SLOT_CONFIRMED = (
    "Danke, Ihr Beratungstermin am {when} ist bestätigt. Die Geschäftsstelle weiß Bescheid."
)
SLOT_DECLINED = (
    "Schade. Die Geschäftsstelle weiß Bescheid und meldet sich mit einem anderen Termin; "
    "Sie erreichen sie auch unter {email}, Tel. {phone}."
)
STAFF_SLOT_CONFIRMED = "Termin bestätigt (Anfrage Nr. {request_id}): {when}."
STAFF_SLOT_DECLINED = "Termin abgelehnt (Anfrage Nr. {request_id}): {when} passt nicht."
REVISE_OPENED = (
    "Entwurf Nr. {draft_id} ist geöffnet. Wählen Sie unten den Abschnitt, den Sie ändern "
    "möchten; die Änderung wird eine neue Version. Danach mit /einreichen erneut einreichen."
)
STAFF_LINK = "Im Prüfarbeitsplatz öffnen: {url}"
ACCEPTED_LOCKED = (
    "Entwurf Nr. {draft_id} hat die Geschäftsstelle bereits als antragsreif angenommen; er "
    "bleibt so. Für ein geändertes Vorhaben beginnen Sie mit /antrag einen neuen Entwurf."
)
RATE_GOOD_LABEL = "👍 hilfreich"
RATE_BAD_LABEL = "👎 nicht hilfreich"
RATED_GOOD = "Danke für die Rückmeldung!"
RATED_BAD = (
    "Danke – die Geschäftsstelle sieht Fragen, bei denen die Antwort nicht geholfen hat, und "
    "verbessert die Antworten. Soll ich Ihnen ihre Antwort schicken, sobald es eine gibt?"
)
NOTIFY_ME_LABEL = "Antwort nachreichen, sobald es eine gibt"
NOTIFY_ME_OK = (
    "Gut, sobald die Geschäftsstelle diese Frage beantwortet hat, schicke ich Ihnen die Antwort "
    "hier. Das können Sie jederzeit mit /loeschen zurücknehmen."
)
OFFICE_NEW_ANSWER = (
    "Sie hatten gefragt: „{question}“\n\nDazu gibt es jetzt eine Antwort der Geschäftsstelle "
    "LPR:\n\n{answer}\n\nQuelle: {source}"
)
MY_DATA_KINDS = {"frage": "Frage an die Geschäftsstelle", "termin": "Terminanfrage"}
MY_DATA_REQUEST = "{kind} vom {created} ({status}){question}"
MY_DATA_WAITING = "Sie warten auf eine Antwort der Geschäftsstelle zu: „{question}“"
