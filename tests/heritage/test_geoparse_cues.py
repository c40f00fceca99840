"""Reading a free-text report: its sentences, and what each sentence says happened."""

from pathlib import Path

import pytest

from heritage.domain import EventType
from heritage.geoparse.cues import read_casualties, read_event, sentences

SEED = Path(__file__).parents[2] / "seeds" / "palmyra-joint-attack-report.txt"


def texts(text):
    return [span.text for span in sentences(text)]


def cue(sentence, **options):
    found = read_event(sentence, **options)
    assert found is not None, sentence
    return found


# --- Sentences ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "U.S. forces and U.N. monitors reached the citadel.",
        "Dr. Khaled al-Asaad looked after the site for forty years.",
        "Gen. Haddad and Lt. Col. Mansour inspected the walls.",
        "The basilica of St. Simeon was hit again.",
        "The museum reopened on Jan. 5 after repairs.",
        "Tomb No. 5 was found open.",
        "The survey by J. Smith mapped every pit.",
        "The crater was 3.5 metres deep and 12.25 metres wide.",
        '"Why did they shell the temple?" he asked.',
        '"We will strike," the commander said.',
        "The talks ended at 10 a.m. on Monday.",
    ],
)
def test_abbreviations_numbers_and_quotes_do_not_end_a_sentence(text):
    assert texts(text) == [text]


def test_sentences_end_at_full_stops_question_marks_and_exclamation_marks():
    text = 'Shells hit the citadel. Was the museum spared? No! "It burned." Rain fell at dawn.'

    assert texts(text) == [
        "Shells hit the citadel.",
        "Was the museum spared?",
        "No!",
        '"It burned."',
        "Rain fell at dawn.",
    ]


def test_a_quotation_of_several_sentences_stays_in_one_sentence():
    text = 'The governor said: "The army attacked at dawn. Many fled." Then the shelling stopped.'

    assert texts(text) == [
        'The governor said: "The army attacked at dawn. Many fled."',
        "Then the shelling stopped.",
    ]


def test_an_abbreviation_at_the_end_of_a_sentence_ends_it_before_a_new_sentence():
    assert texts("The strikes were condemned by the U.S. The U.N. said nothing.") == [
        "The strikes were condemned by the U.S.",
        "The U.N. said nothing.",
    ]


def test_an_abbreviation_reads_the_next_word_past_several_spaces_or_a_tab():
    assert texts("The strikes were condemned by the U.S.  The U.N. said nothing.") == [
        "The strikes were condemned by the U.S.",
        "The U.N. said nothing.",
    ]
    assert texts("Aid came from the U.S.\tThe convoy left.") == [
        "Aid came from the U.S.",
        "The convoy left.",
    ]
    assert texts("Aid reached the U.S.  Forces then left.") == [
        "Aid reached the U.S.  Forces then left."
    ]
    assert texts("Tomb No.  5 was found open.") == ["Tomb No.  5 was found open."]


def test_spans_are_offsets_into_the_text():
    text = "  Headline Of The Day\n\nFirst sentence here.   Second one follows!\n"

    for span in sentences(text):
        assert text[span.start : span.end] == span.text


def test_a_headline_on_its_own_line_is_its_own_sentence():
    text = (
        "Shelling Hits Palmyra Citadel\n"
        "Government artillery shelled the citadel on Monday, residents said. Many fled.\n"
    )

    found = sentences(text)

    assert [span.text for span in found] == [
        "Shelling Hits Palmyra Citadel",
        "Government artillery shelled the citadel on Monday, residents said.",
        "Many fled.",
    ]
    assert [span.is_title for span in found] == [True, False, False]


def test_wrapped_lines_are_joined_and_a_blank_line_ends_a_paragraph():
    text = (
        "Fighters attacked the checkpoint at the entrance of\n"
        "the old city before dawn, witnesses said\n"
        "\n"
        "The museum was closed."
    )

    assert texts(text) == [
        "Fighters attacked the checkpoint at the entrance of\n"
        "the old city before dawn, witnesses said",
        "The museum was closed.",
    ]


def test_each_bullet_is_a_sentence():
    text = "Damage reported:\n- the west gate\n- the museum roof\n"

    assert texts(text) == ["Damage reported:", "- the west gate", "- the museum roof"]


def test_the_seed_report_has_one_sentence_per_paragraph_and_a_title():
    text = SEED.read_text(encoding="utf-8")

    found = sentences(text)

    assert [span.text for span in found] == [p.strip() for p in text.split("\n\n") if p.strip()]
    assert [span.is_title for span in found] == [True] + [False] * (len(found) - 1)


# --- Event types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russian warplanes struck the old city overnight.", EventType.AIRSTRIKE),
        ("An air raid hit the museum district.", EventType.AIRSTRIKE),
        ("A drone strike targeted a car near the castle.", EventType.AIRSTRIKE),
        ("Helicopters dropped barrel bombs on the old town.", EventType.AIRSTRIKE),
        ("Government artillery shelled the citadel.", EventType.SHELLING),
        ("Mortar rounds landed near the amphitheatre.", EventType.SHELLING),
        ("A missile strike hit the bridge.", EventType.SHELLING),
        ("Grad rockets fell on the suburb.", EventType.SHELLING),
        ("Rebels attacked an army checkpoint.", EventType.ARMED_CLASH),
        ("Fierce clashes erupted near the museum.", EventType.ARMED_CLASH),
        ("Gunmen ambushed a patrol on the desert road.", EventType.ARMED_CLASH),
        ("Joint forces launched an attack in the area.", EventType.ARMED_CLASH),
        ("A car bomb exploded outside the mosque.", EventType.EXPLOSION),
        ("A suicide bomber blew himself up at the gate.", EventType.EXPLOSION),
        ("An IED detonated next to a patrol.", EventType.EXPLOSION),
        ("Militants blew up the Temple of Bel.", EventType.DESTRUCTION),
        ("Bulldozers razed the ancient mound.", EventType.DESTRUCTION),
        ("The group set fire to the library.", EventType.DESTRUCTION),
        ("Looters plundered the storerooms of the museum.", EventType.LOOTING),
        ("Illegal excavations have scarred the necropolis.", EventType.LOOTING),
        ("Militants executed the site's former director.", EventType.VIOLENCE_AGAINST_CIVILIANS),
        ("Gunmen kidnapped two archaeologists.", EventType.VIOLENCE_AGAINST_CIVILIANS),
        ("Fighters took control of the castle.", EventType.OCCUPATION),
        ("Troops used the citadel as a military base.", EventType.OCCUPATION),
        ("The town fell to rebel forces.", EventType.OCCUPATION),
        ("Hundreds of protesters gathered outside the ministry.", EventType.UNREST),
        ("Riots broke out after the vote.", EventType.UNREST),
        ("Workers began a general strike.", EventType.UNREST),
    ],
)
def test_trigger_words_give_the_event_type(sentence, expected):
    assert cue(sentence).event_type is expected


@pytest.mark.parametrize("verb", ["ATTACKED", "attacking", "Attacks", "attack"])
def test_triggers_match_any_inflection_and_case(verb):
    found = cue(f"Rebels {verb} the checkpoint.")

    assert found.event_type is EventType.ARMED_CLASH
    assert found.triggers[0].text == verb


def test_trigger_spans_are_offsets_into_the_sentence():
    sentence = "Warplanes struck the souk and artillery shelled the citadel."

    found = cue(sentence)

    assert [t.text for t in found.triggers] == ["Warplanes struck", "artillery", "shelled"]
    for trigger in found.triggers:
        assert sentence[trigger.start : trigger.end] == trigger.text


def test_the_most_specific_type_wins_and_every_trigger_is_kept():
    found = cue("Clashes broke out as militants looted the museum.")

    assert found.event_type is EventType.LOOTING
    assert [t.text for t in found.triggers] == ["Clashes", "looted"]


def test_damage_done_by_a_strike_is_a_strike_and_damage_alone_is_destruction():
    assert cue("Airstrikes destroyed the souk.").event_type is EventType.AIRSTRIKE
    assert cue("The minaret was destroyed.").event_type is EventType.DESTRUCTION


@pytest.mark.parametrize(
    "sentence",
    [
        "Islamic State militants have wrecked the Tetrapylon.",
        "Fighters smashed several mausoleums of Sufi saints with pickaxes.",
        "The Kakhovka dam was breached early on Tuesday.",
        "Sappers were breaching the dam when the water rose.",
    ],
)
def test_wrecking_smashing_and_breaching_alone_are_destruction(sentence):
    found = cue(sentence)

    assert found.event_type is EventType.DESTRUCTION
    assert not (found.negated or found.hypothetical or found.anniversary)


def test_a_strike_that_wrecked_a_building_is_a_strike():
    assert cue("An air strike wrecked the souk.").event_type is EventType.AIRSTRIKE


@pytest.mark.parametrize(
    "sentence",
    [
        "The rebels breached the ceasefire twice.",
        "The ship breached a UN ban on arms exports.",
        "The company breached its obligations.",
    ],
)
def test_a_breached_agreement_or_ban_is_not_an_event(sentence):
    assert read_event(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Islamic State fighters moved into Qaraqosh overnight.",
        "Yemeni troops supported by forces from the United Arab Emirates entered al-Mukalla.",
        "IS entered the town on Sunday.",
        "Rebel columns marched into the city, fighters said.",
        "Militants swept into the villages at dawn.",
    ],
)
def test_armed_men_moving_into_a_place_occupy_it(sentence):
    found = cue(sentence)

    assert found.event_type is EventType.OCCUPATION
    assert found.triggers[0].text.startswith(("moved", "entered", "marched", "swept"))


@pytest.mark.parametrize(
    "sentence",
    [
        "Bodies lay in the streets after the troops withdrew, journalists who entered reported.",
        "Patients were moved into an older wing without power.",
        "Police do not know where the boy entered the water.",
        "The delegation entered the hall at noon.",
        "The army entered talks with the rebels.",
    ],
)
def test_entering_without_an_armed_actor_leading_the_clause_is_no_event(sentence):
    assert read_event(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Government forces retook the hill town of Gharyan in a surprise assault.",
        "Rebels captured the village after clashes with regime forces.",
        "The army took control of the city after a battle of four months.",
        "Troops entered the town after heavy fighting.",
    ],
)
def test_a_place_taken_in_a_fight_is_an_armed_clash(sentence):
    assert cue(sentence).event_type is EventType.ARMED_CLASH


def test_a_place_taken_without_a_fight_is_an_occupation():
    assert cue("IS fighters seized the town on Sunday.").event_type is EventType.OCCUPATION


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia has long maintained a presence in Syria.",
        "Russia's military bases in Syria continue to serve a stabilizing role in the region.",
        "With the war in Syria showing no signs of abating, the talks resumed.",
        "The meeting addressed the future of the country's military landscape.",
        "Tensions between the two governments remain high.",
        "He suffered a heart attack during the visit.",
        "The ministry launched a diplomatic offensive.",
        "The exhibition captured the attention of visitors.",
        "Attack helicopters were deployed to the base.",
        "Oil prices fell to a record low.",
        "The museum reopened to visitors on Sunday.",
    ],
)
def test_sentences_without_an_event_give_none(sentence):
    assert read_event(sentence) is None


# --- Negation, hypothesis, background, reference --------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "No airstrikes were reported in the area.",
        "The army denied shelling the town.",
        "Rebels did not attack the convoy.",
        "Rebels didn't attack the convoy.",
        "The ceasefire held, with no clashes reported.",
        "Shelling was not reported in the old city.",
    ],
)
def test_denied_events_are_negated(sentence):
    found = cue(sentence)

    assert found.negated
    assert not found.hypothetical
    assert found.confidence < 0.2


@pytest.mark.parametrize(
    "sentence",
    [
        "The group denied responsibility for the attack.",
        "No one was hurt in the attack.",
        "Rebels did not attack the convoy but shelled the town instead.",
    ],
)
def test_a_negation_elsewhere_in_the_sentence_does_not_negate_the_event(sentence):
    assert not cue(sentence).negated


@pytest.mark.parametrize(
    "sentence",
    [
        "The militants threatened to strike the museum.",
        "Officials warned that fighters could attack the city.",
        "The army may launch an offensive next week.",
        "Analysts warned of an offensive on the town.",
        "There are fears of an assault on the old city.",
        "IS plans to demolish the remaining temples.",
        "If the talks fail, the army would attack.",
        "An attack on the citadel is feared.",
    ],
)
def test_threats_warnings_and_forecasts_are_hypothetical(sentence):
    found = cue(sentence)

    assert found.hypothetical
    assert not found.negated
    assert found.confidence < 0.3


@pytest.mark.parametrize(
    "sentence",
    [
        "Militants, who had threatened to destroy the temple, blew it up on Sunday.",
        "In May 2015, IS captured Palmyra.",
    ],
)
def test_an_event_that_happened_is_not_hypothetical(sentence):
    assert not cue(sentence).hypothetical


@pytest.mark.parametrize(
    "sentence",
    [
        "Ten years ago, IS destroyed the Temple of Baalshamin.",
        "Residents marked the anniversary of the destruction of the arch.",
        "Families commemorated the victims of the massacre.",
        "In 2015, IS destroyed the Temple of Bel.",
        "Last year, looters plundered the museum.",
    ],
)
def test_recalled_past_events_are_anniversaries(sentence):
    assert cue(sentence).anniversary
    assert cue(sentence, published_year=2025).anniversary


def test_a_year_is_background_only_when_it_is_before_the_report():
    sentence = "In 2015, IS destroyed the Temple of Bel."

    assert not cue(sentence, published_year=2015).anniversary
    assert cue(sentence, published_year=2016).anniversary


def test_a_full_date_is_the_event_date_unless_the_report_is_later():
    sentence = "On 16 June 2022, militants attacked a bus near Palmyra."

    assert not cue(sentence).anniversary
    assert not cue(sentence, published_year=2022).anniversary
    assert not cue(sentence, published_year=2023).anniversary  # written around New Year
    assert cue(sentence, published_year=2025).anniversary


def test_an_undated_event_is_not_an_anniversary():
    assert not cue("Militants attacked a bus near Palmyra on Tuesday.").anniversary


@pytest.mark.parametrize(
    "sentence",
    [
        "The group, whose leader proclaimed his caliphate from the mosque in 2014, claimed "
        "that an air strike had destroyed it.",
        "IS fighters, who had captured the town last year, blew up the temple.",
        "Militants attacked the museum (looted in 2003) on Monday.",
        "Troops overran the last holdouts of the militias they have fought since 2014.",
        "A suicide bomber killed 60 people in the deadliest attack since the 2011 uprising.",
    ],
)
def test_a_past_year_in_a_relative_clause_or_after_since_is_not_the_events_date(sentence):
    assert not cue(sentence).anniversary
    assert not cue(sentence, published_year=2017).anniversary


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2015, IS destroyed the temple, which was built in 32 AD.",
        "Two years ago, militants attacked the town, which was rebuilt.",
        "The group had seized the city in April 2015, emptying the bank.",
    ],
)
def test_a_past_date_outside_the_relative_clause_still_makes_background(sentence):
    assert cue(sentence, published_year=2017).anniversary


@pytest.mark.parametrize(
    "sentence",
    [
        "The attack killed three soldiers.",
        "The shelling continued overnight.",
        "This week's clashes left the market in ruins.",
        "The destroyed temple was a World Heritage monument.",
    ],
)
def test_a_definite_noun_refers_back_to_an_event_already_told(sentence):
    assert cue(sentence).reference


@pytest.mark.parametrize(
    "sentence",
    [
        "Militants launched an attack on the checkpoint.",
        "The army launched the offensive at dawn.",
        "The group beheaded the site's director.",
        "Clashes erupted again near the museum.",
    ],
)
def test_a_new_event_is_not_a_reference(sentence):
    assert not cue(sentence).reference


def test_a_sentence_with_casualties_but_no_trigger_refers_to_the_event_around_it():
    found = cue("The wounded were evacuated by helicopter.")

    assert found.event_type is EventType.OTHER
    assert found.triggers == ()
    assert found.reference
    assert found.casualties.reported


def test_confidence_is_highest_for_a_verb_with_an_actor_and_casualties():
    strike = cue("Warplanes struck the market, killing 12 people.").confidence
    noun = cue("Clashes near the museum.").confidence
    reference = cue("The clashes ended.").confidence
    threat = cue("Rebels could attack the museum.").confidence
    denial = cue("No clashes were reported.").confidence

    assert 1 >= strike > noun > reference > threat > 0
    assert reference > denial > 0


# --- Casualties -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "killed", "injured", "is_minimum"),
    [
        ("Shelling killed 12 civilians.", 12, None, False),
        ("12 people were killed in the shelling.", 12, None, False),
        ("The blast left at least 7 dead.", 7, None, True),
        ("Dozens were wounded in the raid.", None, 24, True),
        ("Three soldiers were killed.", 3, None, False),
        ("Twenty-five people were injured.", None, 25, False),
        ("A dozen guards were wounded.", None, 12, False),
        ("The raid killed three and wounded twenty-five.", 3, 25, False),
        ("The fighting has killed more than 1,200 people.", 1200, None, True),
        ("The death toll rose to 40.", 40, None, False),
        ("The bombing killed 40 people, including 12 children.", 40, None, False),
        ("No one was killed, but two guards were wounded.", 0, 2, False),
        ("In 2015 militants killed 3 guards.", 3, None, False),
    ],
)
def test_casualty_counts_are_read_from_digits_and_words(sentence, killed, injured, is_minimum):
    found = read_casualties(sentence)

    assert (found.killed, found.injured, found.is_minimum) == (killed, injured, is_minimum)
    assert found.reported


@pytest.mark.parametrize(
    "sentence",
    [
        "The attack resulted in casualties.",
        "There were casualties on both sides.",
        "The wounded were evacuated by helicopter.",
        "Several civilians were wounded.",
        "On 16 June 2022 gunmen killed a guard.",
    ],
)
def test_casualties_without_a_number_are_reported_without_counts(sentence):
    found = read_casualties(sentence)

    assert found.reported
    assert (found.killed, found.injured) == (None, None)
    assert found.evidence


@pytest.mark.parametrize(
    ("sentence", "injured"),
    [
        ("There were no casualties.", 0),
        ("No one was hurt.", 0),
        ("The convoy passed without casualties.", 0),
        ("Neither injuries nor fatalities were reported.", 0),
        ("No fatalities were reported.", None),
    ],
)
def test_no_casualties_is_zero_killed_and_not_reported(sentence, injured):
    found = read_casualties(sentence)

    assert not found.reported
    assert (found.killed, found.injured) == (0, injured)


def test_casualties_spoken_of_as_a_fear_are_not_reported():
    found = read_casualties("The attack sparks concerns over civilian casualties.")

    assert not found.reported
    assert found.evidence == ()


def test_casualty_evidence_points_into_the_sentence():
    sentence = "The raid killed three and wounded twenty-five."

    found = read_casualties(sentence)

    assert [span.text for span in found.evidence] == ["killed three", "wounded twenty-five"]
    for span in found.evidence:
        assert sentence[span.start : span.end] == span.text


# --- The seed report ------------------------------------------------------------------------


def seed_cues():
    spans = sentences(SEED.read_text(encoding="utf-8"))
    return [(span, read_event(span.text)) for span in spans]


def seed_cue(fragment):
    (found,) = [c for span, c in seed_cues() if fragment in span.text]
    return found


def test_the_seed_report_tells_of_one_joint_attack_on_palmyra():
    found = seed_cue("launched an attack in the area of Palmyra")

    assert found.event_type is EventType.ARMED_CLASH
    assert not (found.reference or found.negated or found.hypothetical or found.anniversary)
    assert found.confidence >= 0.7


def test_the_seed_reports_casualties_on_the_same_attack():
    found = seed_cue("The attack resulted in casualties")

    assert found.reference
    assert found.event_type is EventType.ARMED_CLASH
    assert found.casualties.reported
    assert (found.casualties.killed, found.casualties.injured) == (None, None)


def test_the_seed_evacuation_is_not_a_new_attack():
    found = seed_cue("evacuate the wounded")

    assert found.reference
    assert found.event_type is EventType.OTHER
    assert found.triggers == ()
    assert found.casualties.reported


def test_the_seed_closing_mention_of_the_attack_is_a_reference():
    assert seed_cue("The attack in Palmyra, the ongoing negotiations").reference


@pytest.mark.parametrize(
    "fragment",
    [
        "A recent escalation in the Syrian conflict",
        "This incident underscores the ongoing tensions",
        "Russia has long maintained a presence",
        "military bases in Syria continue to serve a stabilizing role",
        "a high-profile meeting took place",
        "engaged in negotiations with Russia",
        "the future of Syria’s political and military landscape",
        "With the war in Syria showing no signs of abating",
    ],
)
def test_the_seed_geopolitics_is_not_an_event(fragment):
    assert seed_cue(fragment) is None


def test_the_seed_body_has_exactly_one_new_event():
    new_events = [
        span.text for span, c in seed_cues() if c and not c.reference and not span.is_title
    ]

    assert len(new_events) == 1
    assert "launched an attack in the area of Palmyra" in new_events[0]


@pytest.mark.parametrize(
    ("plain", "typeset", "confidence"),
    [
        ('"Militants" shelled the town.', "“Militants” shelled the town.", 0.8),
        (
            "Militants' rockets hit the town (Hamah).",
            "Militants’ rockets hit the town (Ḥamāh).",
            0.65,
        ),
    ],
)
def test_an_actor_counts_whatever_the_quotes_and_letters_around_it(plain, typeset, confidence):
    # ASCII text and other text take different paths to their words: the actor (+0.10) must
    # count in both.
    assert read_event(plain).confidence == read_event(typeset).confidence == confidence


@pytest.mark.parametrize(
    ("sentence", "event_type", "killed"),
    [
        ("Clashes in Hama;killed 4 soldiers", EventType.ARMED_CLASH, 4),
        ("Daraa:shelling on the eastern countryside", EventType.SHELLING, None),
        ("Idlib,airstrikes on Maarat al-Numan", EventType.AIRSTRIKE, None),
    ],
)
def test_a_word_right_after_a_semicolon_colon_or_comma_is_read(sentence, event_type, killed):
    cue = read_event(sentence)

    assert cue is not None
    assert cue.event_type is event_type
    assert cue.casualties.killed == killed


@pytest.mark.parametrize("verb", ["bombard", "bombards"])
def test_bombarding_is_shelling_in_every_tense(verb):
    cue = read_event(f"Regime forces {verb} the countryside of Daraa")

    assert cue is not None and cue.event_type is EventType.SHELLING
