"""The seven Beccaria steps that structure the project description of a draft."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BeccariaStep:
    """One step of the Beccaria standards, as the dialogue asks for it.

    The step names follow the Beccaria brochure (LPR Niedersachsen, 11/2005), but they could not
    be checked word for word; the guiding questions are our own summaries. The bot therefore
    presents them as orientation, never as the brochure's wording.
    """

    number: int
    name: str
    questions: tuple[str, ...]

    @property
    def key(self) -> str:
        """Field name of this step in `BeccariaDescription` ("step1" … "step7")."""
        return f"step{self.number}"

    @property
    def title(self) -> str:
        return f"Schritt {self.number} – {self.name}"


BECCARIA_STEPS: tuple[BeccariaStep, ...] = (
    BeccariaStep(
        1,
        "Problembeschreibung",
        (
            "Welches Problem genau wollen Sie angehen (Delikte, Ordnungsstörungen, "
            "Unsicherheitsgefühl)?",
            "Wo, wann und wie oft tritt es auf, und wer ist betroffen?",
            "Auf welche Zahlen stützen Sie sich, und woher stammen sie (Polizeilagebild, "
            "Sicherheitsanalyse, Befragung, Ordnungsamt)?",
        ),
    ),
    BeccariaStep(
        2,
        "Analyse der Entstehungsbedingungen",
        (
            "Welche Ursachen und begünstigenden Umstände erklären das Problem "
            "(Tatgelegenheiten, örtliche Struktur, soziale Lage)?",
            "Welche Risiko- und Schutzfaktoren sehen Sie, und worauf stützt sich diese "
            "Einschätzung?",
            "Welche dieser Ursachen kann Ihr Projekt beeinflussen?",
        ),
    ),
    BeccariaStep(
        3,
        "Präventionsziele, Projektziele und Zielgruppen",
        (
            "Welches übergeordnete Präventionsziel verfolgen Sie?",
            "Welche konkreten Projektziele wollen Sie bis wann erreichen, und woran lässt sich "
            "das überprüfen?",
            "Wen genau wollen Sie erreichen (Zielgruppen, ungefähre Zahl, Zugang)?",
        ),
    ),
    BeccariaStep(
        4,
        "Maßnahmen zur Zielerreichung",
        (
            "Welche Maßnahme dient welchem Ziel?",
            "Warum soll die Maßnahme wirken, und gibt es erprobte Ansätze dafür?",
            "Welche Risiken oder Nebenwirkungen sind denkbar?",
        ),
    ),
    BeccariaStep(
        5,
        "Projektkonzeption und -durchführung",
        (
            "Wie sieht der Zeitplan mit Meilensteinen aus?",
            "Wer ist verantwortlich, und welche Partner wirken mit (z. B. KPR, Polizei, Schule)?",
            "Welches Personal und welche Sachmittel setzen Sie ein, und wie steuern Sie das "
            "Projekt?",
        ),
    ),
    BeccariaStep(
        6,
        "Überprüfung von Umsetzung und Zielerreichung (Evaluation)",
        (
            "Woran messen Sie, ob die Ziele erreicht wurden (Indikatoren)?",
            "Mit welcher Methode und zu welchen Zeitpunkten wird gemessen?",
            "Evaluieren Sie selbst oder extern, und wie prüfen Sie, ob die Maßnahmen wie "
            "geplant liefen?",
        ),
    ),
    BeccariaStep(
        7,
        "Schlussfolgerungen und Dokumentation",
        (
            "Wie werten Sie die Ergebnisse aus, und was folgt daraus (fortführen, anpassen, "
            "beenden)?",
            "Wie dokumentieren Sie die Erfahrungen, und an wen geben Sie sie weiter?",
            "Wie geht es nach dem Förderzeitraum weiter? Ein Anspruch auf Folgeförderung "
            "besteht nicht.",
        ),
    ),
)
