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
    "Wie lange? Bis Sie die Daten löschen.\n\n"
    "Wer sieht die Daten? Sie selbst und – erst nachdem Sie eingereicht haben – die "
    "Mitarbeiterinnen und Mitarbeiter der Geschäftsstelle LPR.\n\n"
    "Einsehen: /meine_daten · Löschen: /loeschen"
)

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
EDIT_DONE = "Geändert. Hier die aktualisierte Übersicht:"

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
REDO_COSTS_LABEL = "Ausgabenplan neu erfassen"
REDO_COSTS = "Der Ausgabenplan wird neu erfasst; die bisherigen Posten werden ersetzt."
NEW_VERSION = (
    "Ihr Entwurf war bereits eingereicht. Ihre Änderung beginnt Version {version}; die "
    "eingereichte Fassung bleibt unverändert bei der Geschäftsstelle. Reichen Sie die neue "
    "Version mit /einreichen ein."
)

SUBMIT_CONFIRM = (
    "Bitte prüfen Sie vor der Übergabe an die Geschäftsstelle LPR:\n\n{summary}\n\n{report}\n"
    "Soll ich Version {version} jetzt einreichen? Danach ist diese Fassung eingefroren; "
    "Änderungen ergeben eine neue Version."
)
SUBMIT_NOT_READY = (
    "Hinweis: Die Vorprüfung zeigt noch offene Punkte. Sie können trotzdem einreichen – die "
    "Geschäftsstelle klärt sie dann mit Ihnen in der Beratung."
)
SUBMIT_YES = "Ja, einreichen"
SUBMIT_NO = "Nein, noch nicht"
SUBMIT_CANCELLED = "Nicht eingereicht. Ihr Entwurf bleibt unverändert gespeichert."
SUBMITTED = (
    "Eingereicht: Entwurf Nr. {draft_id}, Version {version}. Die Geschäftsstelle LPR ist "
    "informiert und meldet sich bei Ihnen. Sie können den Entwurf weiter mit /entwurf ansehen."
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
