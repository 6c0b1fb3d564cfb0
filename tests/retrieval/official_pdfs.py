"""Two synthetic, official-looking guideline PDFs for tests (fpdf2, core fonts).

Both documents are written in our own words; they imitate the layout of Saxon funding
guidelines (title page, date line, Ziffern "I." to "VII." with numbered paragraphs) but are no
official texts. Each title page carries the small-print note "Testdokument für automatisierte
Tests - keine amtliche Fassung".

1. ``saechsabl_2018_811.pdf``: a paraphrase of the real RL KommPräv, consistent with
   ``/work/shared/knowledge-facts.md`` section 1.
2. ``saechsabl_2022_436.pdf``: a fictional sport-prevention guideline (FRL PrävSiSpo) whose
   figures deliberately conflict with the RL KommPräv (80 % instead of 90 %, deadline 31 March
   of the same year instead of 15 October, lower limit 5 000 Euro, SAB as authority, proof of
   use within 6 months) and which alone covers sport topics (Fanprojekte, Übungsleiter,
   Schiedsrichter, Kampfsport, Vereinssport).

The file names do not contain the abbreviations and no PDF metadata title is set: whoever
indexes the files must take the name from the text. Every logical page is started with an
explicit ``pdf.add_page()`` and the writer checks that nothing overflows onto an extra page, so
the page numbers in ``EXPECTED`` are exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

TEST_NOTE = "Testdokument für automatisierte Tests - keine amtliche Fassung"

# Characters the core fonts (latin-1) cannot encode, mapped to safe equivalents.
_SAFE = {
    "\u201e": '"',  # „
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201a": "'",  # ‚
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2026": "...",  # …
    "\u20ac": "Euro",  # €
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
}


def safe(text: str) -> str:
    """Text for the core fonts: typographic quotes, dashes and € replaced; umlauts, ß kept."""
    out = "".join(_SAFE.get(ch, ch) for ch in text)
    out.encode("latin-1")  # fail loudly on anything not mapped
    return out


# A document is a title block plus a list of pages; each page is a list of blocks:
#   ("ziffer", "V.", "Art, Umfang und Höhe der Zuwendung")  -> centred heading
#   ("nr", "2.", "text ...")                                -> numbered paragraph
#   ("sub", "a)", "text ...")                               -> indented sub-item
#   ("text", "...")                                         -> plain paragraph
Block = tuple[str, ...]

RL_KOMMPRAEV_TITLE = (
    "Richtlinie des Sächsischen Staatsministeriums des Innern zur Förderung von Projekten und "
    "Maßnahmen zur kommunalen Prävention (Richtlinie Kommunale Prävention – RL KommPräv)"
)
FRL_SPORT_TITLE = (
    "Förderrichtlinie des Sächsischen Staatsministeriums des Innern zur Förderung der Prävention "
    "im und durch Sport (Förderrichtlinie Prävention im Sport – FRL PrävSiSpo)"
)

RL_KOMMPRAEV_FILE = "saechsabl_2018_811.pdf"
FRL_SPORT_FILE = "saechsabl_2022_436.pdf"

_RL_KOMMPRAEV_PAGES: list[list[Block]] = [
    # Seite 1: Titel, Datum, Ziffer I
    [
        ("ziffer", "I.", "Zuwendungszweck, Rechtsgrundlage"),
        (
            "nr",
            "1.",
            "Der Freistaat Sachsen unterstützt Städte, Gemeinden und Landkreise dabei, "
            "kommunalpräventive Gremien wie Kommunale Präventionsräte zu bilden und dauerhaft zu "
            "festigen. Gefördert werden außerdem Projekte und Maßnahmen, die unmittelbar oder "
            "mittelbar der Vorbeugung von Kriminalität dienen und die öffentliche Sicherheit und "
            "Ordnung vor Ort stärken. Die Zuwendungen werden nach Maßgabe dieser Richtlinie, der "
            "§§ 23, 44 und 44a der Sächsischen Haushaltsordnung (SäHO) und der dazu erlassenen "
            "Verwaltungsvorschriften gewährt; für kommunale Körperschaften gelten die VwV für "
            "Zuwendungen an kommunale Körperschaften (VVK) und die ANBest-K.",
        ),
        (
            "nr",
            "2.",
            "Die Förderung soll die Präventionsarbeit in den Kommunen verstetigen und sie in eine "
            "abgestimmte Gesamtpräventionsstrategie einbinden.",
        ),
        (
            "nr",
            "3.",
            "Ein Rechtsanspruch auf Gewährung einer Zuwendung besteht nicht. Die "
            "Bewilligungsbehörde entscheidet nach pflichtgemäßem Ermessen im Rahmen der "
            "verfügbaren Haushaltsmittel. Aus einer Förderung folgt kein Anspruch auf die "
            "Förderung von Folgeprojekten.",
        ),
    ],
    # Seite 2: Ziffer II und III
    [
        ("ziffer", "II.", "Gegenstand der Förderung"),
        (
            "text",
            "Gefördert werden Projekte und Maßnahmen der kommunalen Prävention. Vorrangig "
            "berücksichtigt werden Vorhaben, die",
        ),
        (
            "nr",
            "1.",
            "sich aus aktuellen Kriminalitätslagebildern und kriminalgeografischen Entwicklungen "
            "als notwendig ergeben,",
        ),
        (
            "nr",
            "2.",
            "dazu beitragen, kriminalpräventiv bedeutsame Tendenzen frühzeitig zu erkennen und "
            "daraus Ansätze für Präventionsstrategien abzuleiten,",
        ),
        (
            "nr",
            "3.",
            "Akteure und Aktivitäten miteinander vernetzen, um Initiativen, Finanzmittel und "
            "Personal ressourcenschonend zu bündeln,",
        ),
        (
            "nr",
            "4.",
            "von den kommunalpräventiven Gremien vor Ort unmittelbar geplant und umgesetzt "
            "werden oder",
        ),
        (
            "nr",
            "5.",
            "durch eine Evaluation eine Erfolgskontrolle der Präventionsarbeit ermöglichen.",
        ),
        ("ziffer", "III.", "Zuwendungsempfänger"),
        (
            "nr",
            "1.",
            "Zuwendungsempfänger sind die kommunalen Gebietskörperschaften im Freistaat Sachsen, "
            "also Gemeinden, Städte und Landkreise, einschließlich ihrer Eigenbetriebe.",
        ),
        (
            "nr",
            "2.",
            "Vereine, freie Träger und Privatpersonen können nicht selbst Zuwendungsempfänger "
            "sein. Der Zuwendungsempfänger darf die Zuwendung ganz oder teilweise an "
            "nicht-staatliche Organisationen, zum Beispiel an Vereine, weiterleiten, wenn der "
            "Zuwendungsbescheid dies ausdrücklich gestattet.",
        ),
    ],
    # Seite 3: Ziffer IV
    [
        ("ziffer", "IV.", "Zuwendungsvoraussetzungen"),
        (
            "nr",
            "1.",
            "Das Vorhaben muss im Freistaat Sachsen durchgeführt werden.",
        ),
        (
            "nr",
            "2.",
            "Vor der Antragstellung hat sich der Antragsteller verpflichtend von der "
            "Geschäftsstelle des Landespräventionsrates beraten zu lassen. Die Beratung gibt "
            "insbesondere Hinweise zur Konzeption des Projektes und zur Anwendung der "
            "Beccaria-Standards.",
        ),
        (
            "nr",
            "3.",
            "Das Vorhaben darf vor Eingang des Antrags bei der Bewilligungsbehörde noch nicht "
            "begonnen worden sein. Ein Beginn nach Antragseingang, aber vor der Bewilligung "
            "erfolgt auf eigenes Risiko des Antragstellers.",
        ),
        (
            "nr",
            "4.",
            "Der Antragsteller erbringt einen Eigenanteil an der Finanzierung des Vorhabens "
            "(Ziffer V Nummer 5).",
        ),
    ],
    # Seite 4: Ziffer V Nummer 1 bis 3
    [
        ("ziffer", "V.", "Art, Umfang und Höhe der Zuwendung"),
        (
            "nr",
            "1.",
            "Die Zuwendung wird im Wege der Projektförderung als nicht rückzahlbarer Zuschuss "
            "gewährt, in der Regel als Anteilsfinanzierung, in begründeten Ausnahmefällen als "
            "Festbetragsfinanzierung.",
        ),
        (
            "nr",
            "2.",
            "Die Zuwendung beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben. Der "
            "Höchstbetrag der Zuwendung wird für jedes Vorhaben im Rahmen der verfügbaren "
            "Haushaltsmittel festgelegt.",
        ),
        (
            "nr",
            "3.",
            "Zuwendungsfähig sind projektbezogene Personal- und Sachausgaben. Investive "
            "Ausgaben, etwa für die Anschaffung von Fahrzeugen oder für Baumaßnahmen, sind nicht "
            "zuwendungsfähig. Vorhaben können sich über mehrere Jahre erstrecken.",
        ),
    ],
    # Seite 5: Ziffer V Nummer 4 bis 7
    [
        (
            "nr",
            "4.",
            "Personalausgaben sind höchstens bis zu folgenden Entgeltgruppen des Tarifvertrages "
            "für den öffentlichen Dienst der Länder (TV-L) zuwendungsfähig:",
        ),
        ("sub", "a)", "bei abgeschlossener Berufsausbildung bis Entgeltgruppe 7 Stufe 3,"),
        ("sub", "b)", "bei Fachhochschulabschluss bis Entgeltgruppe 11 Stufe 3,"),
        ("sub", "c)", "bei wissenschaftlichem Hochschulabschluss bis Entgeltgruppe 14 Stufe 3,"),
        (
            "sub",
            "d)",
            "bei wissenschaftlichem Hochschulabschluss mit Führungsfunktion bis Entgeltgruppe 15 "
            "Stufe 3.",
        ),
        (
            "nr",
            "5.",
            "Der Zuwendungsempfänger beteiligt sich mit einem Eigenanteil. Als Eigenanteil "
            "werden auch kommunales Personal und Sachmittel der Verwaltung anerkannt, die für "
            "die Steuerung des kommunalen Präventionsgremiums bereitgestellt werden.",
        ),
        (
            "nr",
            "6.",
            "Abweichend von Nummer 1.1 VVK können im Einzelfall auch Zuwendungen von 10 000 Euro "
            "und weniger bewilligt werden, insbesondere für Vorhaben, die kurzfristig auf "
            "konkrete regionale Bedarfe, auf anlassbezogene lokale Ereignisse oder auf aktuelle "
            "Lagen reagieren und in die Gesamtpräventionsstrategie eingebunden sind.",
        ),
        (
            "nr",
            "7.",
            "Die abziehbare Vorsteuer ist nicht zuwendungsfähig. Der Antragsteller erklärt, ob er "
            "zum Vorsteuerabzug berechtigt ist.",
        ),
    ],
    # Seite 6: Ziffer VI
    [
        ("ziffer", "VI.", "Verfahren"),
        (
            "nr",
            "1.",
            "Antrags- und Bewilligungsbehörde ist die Geschäftsstelle des "
            "Landespräventionsrates im Sächsischen Staatsministerium des Innern.",
        ),
        (
            "nr",
            "2.",
            "Anträge für das Folgejahr sind ab dem 31. August bis spätestens zum 15. Oktober des "
            "laufenden Jahres einzureichen; maßgeblich ist der Eingang bei der "
            "Bewilligungsbehörde. In begründeten Einzelfällen kann ein späterer Antrag "
            "zugelassen werden; er muss spätestens sechs Wochen vor Beginn des Vorhabens "
            "eingehen.",
        ),
        (
            "nr",
            "3.",
            "Dem Antrag sind beizufügen:",
        ),
        (
            "sub",
            "a)",
            "eine Projektbeschreibung, die sich an den Beccaria-Standards orientiert,",
        ),
        (
            "sub",
            "b)",
            "ein Ausgaben- und Finanzierungsplan, in dem die projektbezogenen Personal- und "
            "Sachausgaben getrennt ausgewiesen sind,",
        ),
        (
            "sub",
            "c)",
            "für gefördertes Personal ein Nachweis über den beruflichen Bildungsabschluss.",
        ),
        (
            "nr",
            "4.",
            "Die Auszahlung richtet sich nach Nummer 7.1 und 7.2 VVK. In geeigneten Fällen kann "
            "die Zuwendung im Erstattungsverfahren ausgezahlt werden. Einzelheiten regelt der "
            "Zuwendungsbescheid.",
        ),
        (
            "nr",
            "5.",
            "Der Verwendungsnachweis ist nach Nummer 6 ANBest-K innerhalb eines Jahres nach "
            "Erfüllung des Zuwendungszwecks vorzulegen, spätestens jedoch ein Jahr nach Ablauf "
            "des Bewilligungszeitraums, soweit der Zuwendungsbescheid nichts anderes bestimmt.",
        ),
    ],
    # Seite 7: Ziffer VII
    [
        ("ziffer", "VII.", "Inkrafttreten"),
        (
            "text",
            "Diese Richtlinie tritt am Tag nach ihrer Veröffentlichung im Sächsischen Amtsblatt "
            "in Kraft.",
        ),
        ("text", "Dresden, den 12. Juni 2018"),
        ("text", "Sächsisches Staatsministerium des Innern"),
    ],
]

_FRL_SPORT_PAGES: list[list[Block]] = [
    # Seite 1: Titel, Datum, Ziffer I
    [
        ("ziffer", "I.", "Zuwendungszweck, Rechtsgrundlage"),
        (
            "nr",
            "1.",
            "Der Freistaat Sachsen fördert Vorhaben, die Gewalt, Extremismus und Diskriminierung "
            "im Sport vorbeugen und den Sport als Mittel der Prävention nutzen. Der organisierte "
            "Sport soll darin gestärkt werden, Konflikte in Vereinen, auf Sportplätzen und im "
            "Umfeld von Sportveranstaltungen friedlich zu lösen.",
        ),
        (
            "nr",
            "2.",
            "Die Zuwendungen werden nach Maßgabe dieser Förderrichtlinie und der §§ 23 und 44 "
            "SäHO sowie der dazu erlassenen Verwaltungsvorschriften gewährt.",
        ),
        (
            "nr",
            "3.",
            "Ein Rechtsanspruch auf Förderung besteht nicht. Die Bewilligungsbehörde entscheidet "
            "im Rahmen der verfügbaren Haushaltsmittel.",
        ),
    ],
    # Seite 2: Ziffer II und III
    [
        ("ziffer", "II.", "Gegenstand der Förderung"),
        ("text", "Gefördert werden insbesondere:"),
        (
            "nr",
            "1.",
            "Fanprojekte und Vorhaben der sozialpädagogischen Fußball-Fanarbeit, die Gewalt und "
            "Diskriminierung im Umfeld von Fußballspielen vorbeugen,",
        ),
        (
            "nr",
            "2.",
            "Maßnahmen der Gewaltprävention im Vereinssport, etwa Schulungen für Vorstände, "
            "Trainerinnen und Trainer zum Umgang mit Konflikten,",
        ),
        (
            "nr",
            "3.",
            "Maßnahmen zum Schiedsrichter-Schutz, insbesondere Deeskalationstrainings für "
            "Schiedsrichterinnen und Schiedsrichter sowie Ordnerdienste bei Spielen mit "
            "erhöhtem Konfliktpotenzial,",
        ),
        (
            "nr",
            "4.",
            "Kampfsport-Präventionskurse für Kinder und Jugendliche, die Selbstbehauptung, "
            "Regelbewusstsein und Gewaltverzicht vermitteln,",
        ),
        (
            "nr",
            "5.",
            "Honorare für Übungsleiterinnen und Übungsleiter, die präventive Sportangebote "
            "durchführen.",
        ),
        ("ziffer", "III.", "Zuwendungsempfänger"),
        (
            "text",
            "Antragsberechtigt sind:",
        ),
        ("nr", "1.", "gemeinnützige Sportvereine mit Sitz im Freistaat Sachsen,"),
        ("nr", "2.", "Sportverbände und Sportbünde im Freistaat Sachsen,"),
        ("nr", "3.", "Kommunen (Gemeinden, Städte und Landkreise) im Freistaat Sachsen."),
    ],
    # Seite 3: Ziffer IV
    [
        ("ziffer", "IV.", "Zuwendungsvoraussetzungen"),
        (
            "nr",
            "1.",
            "Das Vorhaben wird im Freistaat Sachsen durchgeführt und folgt einem schriftlichen "
            "Präventionskonzept, das Ziele, Zielgruppen und Maßnahmen beschreibt.",
        ),
        (
            "nr",
            "2.",
            "Übungsleiterinnen und Übungsleiter, deren Honorar gefördert wird, besitzen eine "
            "gültige Übungsleiterlizenz mindestens der Stufe C.",
        ),
        (
            "nr",
            "3.",
            "Fanprojekte arbeiten mit dem örtlichen Fußballverein, der Polizei und dem "
            "Jugendamt zusammen; die Zusammenarbeit ist im Antrag darzustellen.",
        ),
        (
            "nr",
            "4.",
            "Kampfsport-Präventionskurse werden nur gefördert, wenn sie von Trainerinnen oder "
            "Trainern mit einer pädagogischen Zusatzqualifikation geleitet werden.",
        ),
        (
            "nr",
            "5.",
            "Eine Beratung vor der Antragstellung ist nicht vorgeschrieben; die "
            "Bewilligungsbehörde bietet sie auf Wunsch an.",
        ),
    ],
    # Seite 4: Ziffer V Nummer 1 bis 3
    [
        ("ziffer", "V.", "Art, Umfang und Höhe der Zuwendung"),
        (
            "nr",
            "1.",
            "Die Zuwendung wird als Projektförderung in Form eines nicht rückzahlbaren Zuschusses "
            "im Wege der Anteilsfinanzierung gewährt.",
        ),
        (
            "nr",
            "2.",
            "Die Zuwendung beträgt bis zu 80 Prozent der zuwendungsfähigen Ausgaben, höchstens "
            "jedoch 50 000 Euro je Vorhaben und Jahr.",
        ),
        (
            "nr",
            "3.",
            "Zuwendungen unter 5 000 Euro werden nicht bewilligt (Bagatellgrenze).",
        ),
    ],
    # Seite 5: Ziffer V Nummer 4 bis 6
    [
        (
            "nr",
            "4.",
            "Honorare für Übungsleiterinnen und Übungsleiter sind bis zu 25 Euro je "
            "Übungsstunde zuwendungsfähig.",
        ),
        (
            "nr",
            "5.",
            "Für Ausstattung, die für die Durchführung von Präventionskursen unerlässlich ist, "
            "etwa Schutzausrüstung und Matten für Kampfsport-Präventionskurse, sind "
            "Anschaffungen bis zu 2 500 Euro je Vorhaben zuwendungsfähig.",
        ),
        (
            "nr",
            "6.",
            "Der Zuwendungsempfänger erbringt einen Eigenanteil von mindestens 20 Prozent der "
            "zuwendungsfähigen Ausgaben. Ehrenamtliche Arbeit kann bis zur Hälfte des "
            "Eigenanteils als Eigenleistung angerechnet werden.",
        ),
    ],
    # Seite 6: Ziffer VI
    [
        ("ziffer", "VI.", "Verfahren"),
        (
            "nr",
            "1.",
            "Bewilligungsbehörde ist die Sächsische Aufbaubank - Förderbank (SAB).",
        ),
        (
            "nr",
            "2.",
            "Der Antrag ist bis zum 31. März des Jahres, in dem das Vorhaben durchgeführt wird, "
            "über das Förderportal der SAB einzureichen.",
        ),
        (
            "nr",
            "3.",
            "Dem Antrag sind das Präventionskonzept, ein Kosten- und Finanzierungsplan und bei "
            "Übungsleiter-Honoraren die Kopie der Übungsleiterlizenz beizufügen.",
        ),
        (
            "nr",
            "4.",
            "Der Verwendungsnachweis ist innerhalb von sechs Monaten nach Ende des "
            "Bewilligungszeitraums bei der SAB vorzulegen.",
        ),
    ],
    # Seite 7: Ziffer VII
    [
        ("ziffer", "VII.", "Inkrafttreten und Außerkrafttreten"),
        (
            "text",
            "Diese Förderrichtlinie tritt am 1. April 2022 in Kraft und am 31. Dezember 2026 "
            "außer Kraft.",
        ),
        ("text", "Dresden, den 14. März 2022"),
        ("text", "Sächsisches Staatsministerium des Innern"),
    ],
]

_DOCUMENTS: dict[str, tuple[str, str, str, list[list[Block]]]] = {
    # file name: (title, date line, version note, pages)
    RL_KOMMPRAEV_FILE: (
        RL_KOMMPRAEV_TITLE,
        "Vom 12. Juni 2018",
        "zuletzt geändert durch Richtlinie vom 31. Mai 2023",
        _RL_KOMMPRAEV_PAGES,
    ),
    FRL_SPORT_FILE: (FRL_SPORT_TITLE, "Vom 14. März 2022", "", _FRL_SPORT_PAGES),
}


def _facts(*rows: tuple[str, int, str, str]) -> dict[str, dict[str, Any]]:
    return {
        key: {"seite": page, "ziffer": ziffer, "text": text} for key, page, ziffer, text in rows
    }


# Per file: title, abbreviation, page count, and for each key fact the page it is on, the Ziffer,
# and a snippet (whitespace-normalised) that occurs on exactly that page of the extracted text.
EXPECTED: dict[str, dict[str, Any]] = {
    RL_KOMMPRAEV_FILE: {
        "titel": safe(RL_KOMMPRAEV_TITLE),
        "kurz": "RL KommPräv",
        "datum": "12. Juni 2018",
        "seiten": 7,
        "fakten": _facts(
            ("titel", 1, "Titel", "(Richtlinie Kommunale Prävention - RL KommPräv)"),
            ("datum", 1, "Titel", "Vom 12. Juni 2018"),
            ("testvermerk", 1, "Titel", TEST_NOTE),
            ("zweck", 1, "I Nr. 1", "Kommunale Präventionsräte"),
            (
                "kein_rechtsanspruch",
                1,
                "I Nr. 3",
                "Ein Rechtsanspruch auf Gewährung einer Zuwendung besteht nicht",
            ),
            ("vorrang_lagebilder", 2, "II Nr. 1", "Kriminalitätslagebildern"),
            ("vorrang_evaluation", 2, "II Nr. 5", "durch eine Evaluation eine Erfolgskontrolle"),
            ("zuwendungsempfaenger", 2, "III Nr. 1", "einschließlich ihrer Eigenbetriebe"),
            ("weiterleitung", 2, "III Nr. 2", "Zuwendungsbescheid dies ausdrücklich gestattet"),
            (
                "ort_sachsen",
                3,
                "IV Nr. 1",
                "Das Vorhaben muss im Freistaat Sachsen durchgeführt werden",
            ),
            (
                "pflichtberatung",
                3,
                "IV Nr. 2",
                "verpflichtend von der Geschäftsstelle des Landespräventionsrates beraten",
            ),
            ("vorhabensbeginn", 3, "IV Nr. 3", "auf eigenes Risiko"),
            ("zuschuss", 4, "V Nr. 1", "Anteilsfinanzierung"),
            ("foerdersatz_90", 4, "V Nr. 2", "bis zu 90 Prozent"),
            ("investiv_nicht", 4, "V Nr. 3", "Investive Ausgaben"),
            ("mehrjaehrig", 4, "V Nr. 3", "über mehrere Jahre"),
            ("tvl_ausbildung_eg7", 5, "V Nr. 4 a", "Entgeltgruppe 7 Stufe 3"),
            ("tvl_fh_eg11", 5, "V Nr. 4 b", "Entgeltgruppe 11 Stufe 3"),
            ("tvl_uni_eg14", 5, "V Nr. 4 c", "Entgeltgruppe 14 Stufe 3"),
            ("tvl_fuehrung_eg15", 5, "V Nr. 4 d", "Entgeltgruppe 15 Stufe 3"),
            ("eigenanteil", 5, "V Nr. 5", "Steuerung des kommunalen Präventionsgremiums"),
            ("untergrenze_10000", 5, "V Nr. 6", "10 000 Euro"),
            ("vorsteuer", 5, "V Nr. 7", "abziehbare Vorsteuer"),
            (
                "bewilligungsbehoerde",
                6,
                "VI Nr. 1",
                "Geschäftsstelle des Landespräventionsrates im Sächsischen Staatsministerium",
            ),
            ("antragsfrist", 6, "VI Nr. 2", "ab dem 31. August bis spätestens zum 15. Oktober"),
            ("spaeterer_antrag_6_wochen", 6, "VI Nr. 2", "sechs Wochen vor Beginn"),
            ("unterlagen_beccaria", 6, "VI Nr. 3 a", "an den Beccaria-Standards orientiert"),
            ("unterlagen_finanzplan", 6, "VI Nr. 3 b", "Ausgaben- und Finanzierungsplan"),
            ("unterlagen_bildungsabschluss", 6, "VI Nr. 3 c", "beruflichen Bildungsabschluss"),
            ("verwendungsnachweis_1_jahr", 6, "VI Nr. 5", "innerhalb eines Jahres"),
            ("inkrafttreten", 7, "VII", "am Tag nach ihrer Veröffentlichung"),
        ),
    },
    FRL_SPORT_FILE: {
        "titel": safe(FRL_SPORT_TITLE),
        "kurz": "FRL PrävSiSpo",
        "datum": "14. März 2022",
        "seiten": 7,
        "fakten": _facts(
            ("titel", 1, "Titel", "(Förderrichtlinie Prävention im Sport - FRL PrävSiSpo)"),
            ("datum", 1, "Titel", "Vom 14. März 2022"),
            ("testvermerk", 1, "Titel", TEST_NOTE),
            ("zweck", 1, "I Nr. 1", "Gewalt, Extremismus und Diskriminierung im Sport"),
            ("fanprojekte", 2, "II Nr. 1", "Fußball-Fanarbeit"),
            ("gewaltpraevention_vereinssport", 2, "II Nr. 2", "Gewaltprävention im Vereinssport"),
            ("schiedsrichter_schutz", 2, "II Nr. 3", "Deeskalationstrainings"),
            ("kampfsport_kurse", 2, "II Nr. 4", "Selbstbehauptung"),
            ("uebungsleiter_honorare", 2, "II Nr. 5", "die präventive Sportangebote durchführen"),
            ("antragsteller_vereine", 2, "III Nr. 1", "gemeinnützige Sportvereine"),
            ("antragsteller_verbaende", 2, "III Nr. 2", "Sportverbände und Sportbünde"),
            (
                "antragsteller_kommunen",
                2,
                "III Nr. 3",
                "Kommunen (Gemeinden, Städte und Landkreise)",
            ),
            ("praeventionskonzept", 3, "IV Nr. 1", "schriftlichen Präventionskonzept"),
            ("lizenz_c", 3, "IV Nr. 2", "mindestens der Stufe C"),
            ("fanprojekt_kooperation", 3, "IV Nr. 3", "der Polizei und dem Jugendamt"),
            ("kampfsport_qualifikation", 3, "IV Nr. 4", "pädagogischen Zusatzqualifikation"),
            ("beratung_freiwillig", 3, "IV Nr. 5", "nicht vorgeschrieben"),
            ("foerdersatz_80", 4, "V Nr. 2", "bis zu 80 Prozent"),
            ("hoechstbetrag_50000", 4, "V Nr. 2", "50 000 Euro je Vorhaben und Jahr"),
            ("untergrenze_5000", 4, "V Nr. 3", "unter 5 000 Euro"),
            ("honorar_25_euro", 5, "V Nr. 4", "25 Euro je Übungsstunde"),
            ("ausstattung_2500", 5, "V Nr. 5", "2 500 Euro"),
            ("eigenanteil_20", 5, "V Nr. 6", "mindestens 20 Prozent"),
            ("ehrenamt_eigenleistung", 5, "V Nr. 6", "bis zur Hälfte des Eigenanteils"),
            ("bewilligungsbehoerde_sab", 6, "VI Nr. 1", "Sächsische Aufbaubank - Förderbank (SAB)"),
            ("antragsfrist_31_maerz", 6, "VI Nr. 2", "bis zum 31. März des Jahres"),
            ("foerderportal", 6, "VI Nr. 2", "Förderportal der SAB"),
            ("unterlagen_lizenzkopie", 6, "VI Nr. 3", "Kopie der Übungsleiterlizenz"),
            ("verwendungsnachweis_6_monate", 6, "VI Nr. 4", "innerhalb von sechs Monaten"),
            ("inkrafttreten", 7, "VII", "am 1. April 2022 in Kraft"),
            ("ausserkrafttreten", 7, "VII", "31. Dezember 2026"),
        ),
    },
}


class _GuidelinePDF(FPDF):
    def footer(self) -> None:  # page numbers as on printed guidelines
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 10, f"Seite {self.page_no()} von {{nb}}", align="C")


def _title_block(pdf: FPDF, title: str, date: str, version: str) -> None:
    pdf.set_font("helvetica", size=7)
    pdf.multi_cell(0, 4, safe(TEST_NOTE), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("helvetica", style="B", size=13)
    pdf.multi_cell(0, 7, safe(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, safe(date), align="C", new_x="LMARGIN", new_y="NEXT")
    if version:
        pdf.set_font("helvetica", style="I", size=9)
        pdf.multi_cell(0, 5, safe(f"({version})"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)


def _block(pdf: FPDF, block: Block) -> None:
    kind = block[0]
    if kind == "ziffer":
        pdf.ln(3)
        pdf.set_font("helvetica", style="B", size=11)
        pdf.multi_cell(0, 6, safe(block[1]), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, safe(block[2]), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    pdf.set_font("helvetica", size=11)
    if kind == "text":
        pdf.multi_cell(0, 6, safe(block[1]), new_x="LMARGIN", new_y="NEXT")
    elif kind in ("nr", "sub"):
        indent = 0 if kind == "nr" else 8
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(8, 6, safe(block[1]))
        pdf.multi_cell(0, 6, safe(block[2]), new_x="LMARGIN", new_y="NEXT")
    else:
        raise ValueError(f"unknown block kind {kind!r}")
    pdf.ln(2)


def write_guideline_pdf(
    path: Path, title: str, date: str, version: str, pages: list[list[Block]]
) -> Path:
    pdf = _GuidelinePDF(format="A4")
    # No pdf.set_title(): the name must come from the text.
    pdf.set_auto_page_break(auto=True, margin=20)
    for number, blocks in enumerate(pages, start=1):
        pdf.add_page()
        if number == 1:
            _title_block(pdf, title, date, version)
        for block in blocks:
            _block(pdf, block)
        if pdf.page_no() != number:
            raise RuntimeError(
                f"{path.name}: content of page {number} overflowed onto page {pdf.page_no()}"
            )
    pdf.output(str(path))
    return path


def write_official_pdfs(directory: Path) -> list[Path]:
    """Write both guideline PDFs into ``directory`` and return their paths (RL KommPräv first)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_guideline_pdf(directory / name, title, date, version, pages)
        for name, (title, date, version, pages) in _DOCUMENTS.items()
    ]
