"""Sieve 0: presence filters (run first; they remove mentions, they link nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from .. import resources as R
from ..modifiers import of_objects
from ..nouns import from_lexicon, noun_info
from ..proper_names import is_title
from .depiction_compounds import kind_of_place_or_thing
from .elsewhere import gone_in_absolute, note_gone, sent_from, talked_of_still
from .feeling_vehicle import given_a_feeling
from .words import (
    ABOUT_VERBS,
    ABSENCE_WORDS,
    ARRIVAL_VERBS,
    CAPTURE_VERBS,
    DEATH_VERBS,
    DEPARTURE_PARTICLES,
    DEPARTURE_VERBS,
    DEPICTIONS,
    DISPLAY_NOUNS,
    EMPTY_WORDS,
    FACE_WORDS,
    KEEPER_NOUNS,
    LIKENESS_WORDS,
    MATERIAL_MODIFIERS,
    PHONE_LINE_WORDS,
    PHONE_WORDS,
    PLACE_PREPOSITIONS,
    RECORDING_NOUNS,
    REMAINS_NOUNS,
    REMOTE_VERBS,
    SCENE_VEHICLE_VERBS,
    SCENE_VEHICLE_WORDS,
    SEEKING_VERBS,
    SENT_MESSAGE_NOUNS,
    SHOWING_VERBS,
    SPEECH_VERBS,
    TOY_MODIFIERS,
    VEHICLE_PARTS,
    counterpart_noun,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "presence"
GAME_WORDS = frozenset(R.word_lists("context.json")["game_words"]) - {"match", "move", "piece", "pieces"}
GAME_MARK = "#board game"
_CLAUSE_DEPS = frozenset({"ROOT", "conj", "advcl", "ccomp", "parataxis"})
#: skip reasons that say the character is elsewhere (talked of, remembered, stated gone), not a prop
ELSEWHERE = frozenset({"remote", "reported", "absent", "hypothetical"})


def run(ctx: LinkContext) -> None:
    """A mention says its entity is in the scene unless it is pictured ("a mural of a tiger", "a photo
    of the dog"), a toy or artwork ("a plush dragon", "a wind-up mouse"), only remembered, dreamt of,
    phoned or talked about ("dreaming of the dog", "her uncle on the line"), stated absent ("the pony
    is nowhere in sight", "an unseen rival", "the courier has already left"), a background crowd, a
    vehicle that is only scenery ("a tram rumbles past"), a word for someone used for a thing ("his
    garden rake"), or shown on a screen ("On the screen, a wolf chases a deer"; "howls
    with the wolves on the television"). A character the story has so far only talked of stays
    elsewhere when a later definite phrase names it as a possessor or an object ("a missing hiker" ...
    "the hiker's tent"); as the subject of a clause it may have arrived. Such a mention neither
    creates nor confirms an entity."""
    doc = ctx.prompt.doc
    if any(t.lemma_.lower() in GAME_WORDS for t in doc):
        ctx.registry.props.add(GAME_MARK)  # the story has a board game: its pieces are props from now on
    game = GAME_MARK in ctx.registry.props
    for m in ctx.mentions:
        if game and m.kind in ("noun", "name") and "G" in R.noun_senses(m.lemma) and not _known(m, ctx) \
                and not _described_as_person(m):
            m.skip = "game piece"  # "his queen", "a knight" on a chessboard
            continue
        why = _why_not_present(m, doc[m.head], ctx)
        if why is None and m.kind == "noun" and m.det in ("def", "poss") and m.lemma in ctx.registry.props \
                and not any(m.lemma in c.nouns for c in ctx.clusters.values()):
            why = "toy"  # "the bear" after "a plush bear": the story's prop, not a new character
        if why is None and _still_elsewhere(m, doc[m.head], ctx):
            why = "absent"
        if why is not None:
            m.skip = why
            if why == "pictured" and m.kind == "noun" and _photographed(doc[m.head]):
                ctx.registry.elsewhere.add(m.lemma)  # the real one may come later: not a prop
            elif why in ("toy", "pictured", "thing") and m.lemma:
                ctx.registry.props.add(m.lemma)
            elif why in ELSEWHERE and m.kind == "noun" and m.lemma:
                ctx.registry.elsewhere.add(m.lemma)
            tok = doc[m.head]
            if why == "absent" and (gone_in_absolute(tok) or _stated_absent(tok) or _departed(tok)):
                note_gone(ctx, m)  # said to be gone (not only sought, or an owner): out of the prompt's plurals
    for m in ctx.mentions:
        if m.kind == "pronoun" and m.lemma.endswith(("self", "selves")) and m.skip is None:
            subject = _own_subject(m, ctx)
            if subject is not None and subject.skip is not None:
                m.skip = subject.skip  # "On the monitor, the pilot buckles herself into a seat": the pilot's


def _own_subject(m: Mention, ctx: LinkContext) -> Mention | None:
    """The subject mention of the reflexive pronoun's own verb."""
    verb = ctx.prompt.doc[m.head].head
    return next((x for x in ctx.mentions if x.head != m.head and ctx.prompt.doc[x.head].head.i == verb.i
                 and ctx.prompt.doc[x.head].dep_ in ("nsubj", "nsubjpass")), None)


def _why_not_present(m: Mention, tok: Token, ctx: LinkContext) -> str | None:
    if m.type in ("prop", "background"):
        return m.type
    if m.kind in ("noun", "relative") and (m.modifiers & TOY_MODIFIERS or m.nouns & L.ARTWORK - {m.lemma}) \
            and not _made_and_acting(m, tok) and not _material_of_a_character(m, ctx):
        return "toy"
    if m.modifiers & (L.HYPOTHETICAL_WORDS - L.PAST_ROLE_WORDS):  # "her former teacher" is someone real
        return "hypothetical"
    if m.kind == "noun" and m.plural and m.det == "none" and m.count is None and m.type != "group":
        return "background"  # a bare plural ("shoppers push past", "the sound of birds")
    through_of = False
    for anc in tok.ancestors:
        if anc.lower_ in ("of", "showing", "depicting", "featuring", "with") or anc.dep_ in ("acl", "relcl"):
            through_of = True
        if anc.lower_ == "about" and anc.head.lemma_.lower() in ABOUT_VERBS:
            return "remote"  # "talks about her brother", "a story about a dragon"
        if through_of and anc.pos_ in ("NOUN", "PROPN") and anc.lemma_.lower() in DEPICTIONS:
            if anc.dep_ == "dobj" and anc.head.lemma_.lower() in CAPTURE_VERBS \
                    and not any(c.dep_ == "prt" for c in anc.head.children):  # not "takes a photo down"
                break  # "snaps a picture of the goat": the goat is being photographed, so it is there
            return "pictured"
        if anc.pos_ in ("VERB", "AUX"):
            if anc.lemma_.lower() in REMOTE_VERBS and _object_side(tok, anc) and m.kind != "pronoun" \
                    and tok.dep_ not in ("nsubj", "nsubjpass"):
                return "remote"
            if anc.dep_ == "ccomp" and anc.head.lemma_.lower() in SPEECH_VERBS and m.kind in ("name", "noun") \
                    and (m.det in ("none", "indef", "poss") and not _known(m, ctx) or talked_of_still(m, ctx)):
                return "reported"  # "tells the cat that Ottilie never liked mice"
            if anc.dep_ in _CLAUSE_DEPS:
                break
    if _likeness(tok) or _shown_by_depiction(tok) or _depicted_as(tok):
        return "pictured"
    if _simile(m, tok):
        return "simile"
    if _mass_of(m, tok):
        return "food"
    if _on_the_phone(tok) or _told_by_phone(tok) or _sender(m, tok) or m.kind in ("noun", "name") and sent_from(tok):
        return "remote"
    if _on_display(tok) or _elaborates_depiction(m, tok):
        return "pictured"
    if _stated_absent(tok) or m.kind != "name" and _departed(tok) or _owner_of_empty(tok) or gone_in_absolute(tok):
        return "absent"
    if _sought(tok) or _owner_while_alone(m, tok):
        return "absent"
    if _thing_reading(m, tok, ctx) or m.type == "group" and _group_of_things(tok):
        return "thing"
    if m.kind == "noun" and not from_lexicon(m.lemma) and tok.dep_ == "pobj" and tok.head.lower_ in (
            "with", "in", "wearing", "holding", "carrying") and not (m.det == "def" and _known(m, ctx)):
        # "a nurse with a silver stud": a word known only to WordNet, worn or held (but "a ward with the patient
        # in bed", once the story has a patient, is that character)
        return "attribute"
    if m.kind == "noun" and tok.dep_ in ("poss", "compound") and tok.head.lemma_.lower() in L.CLOTHING \
            and not (m.det == "def" and tok.dep_ == "poss"):
        return "modifier"  # "a white chef's jacket", "a fisherman's sweater" (not "the newcomer's apron": whose)
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if m.kind == "noun" and not m.plural and nxt is not None and nxt.lower_ in L.CLOTHING and (
            nxt.head.i == tok.i or tok.dep_ == "pobj" and tok.head.lower_ in ("in", "with", "wearing")):
        return "modifier"  # "in tiger pyjamas" parsed with the animal as the head (or the garment elsewhere)
    if tok.dep_ == "poss" and m.kind == "noun" and (m.type == "group" or m.det == "indef") \
            and not any(m.lemma in c.nouns for c in ctx.clusters.values()) and not _worn(tok.head):
        return "owner"  # "the family's cat", "a neighbour's cat": whose it is, not who is there
    if tok.i + 2 < len(tok.doc) and tok.doc[tok.i + 1].text == "-" and not tok.whitespace_ \
            and not tok.doc[tok.i + 1].whitespace_ and tok.doc[tok.i + 2].pos_ not in ("ADP", "PART") \
            and not is_title(tok.doc[tok.i + 2]):
        return "modifier"  # "a rooster-shaped vane", "a man-bun" (but "her mother-in-law", "a bride-to-be", "Ito-san")
    if m.type == "vehicle" and m.kind == "noun" and _scenery_vehicle(m, tok, ctx):
        return "scenery"
    return None


def _scenery_vehicle(m: Mention, tok: Token, ctx: LinkContext) -> bool:
    """A vehicle is scenery unless it is a character: the story already has one of its noun, it has a face or
    does what only the living do (`_personified`), it acts (`_acts`) and is not placed in the distance ("a
    passing ferry"), or the story's vehicles are its cast (`_cast_vehicle`)."""
    if any(m.nouns & c.nouns for c in ctx.clusters.values() if c.type in ("vehicle", "robot")):
        return False
    if _personified(tok):
        return False
    if m.modifiers & SCENE_VEHICLE_WORDS:
        return True
    return not (_acts(tok) or _cast_vehicle(tok, ctx) or _called_he_or_she(tok) or given_a_feeling(m))


def _called_he_or_she(tok: Token) -> bool:
    """A vehicle whose own phrase gives one of its parts (data/sieves.json `vehicle_parts`) to "her" or "his"
    ("a stubby tugboat with a fender on her bow"): the teller treats it as someone, a character of the story.
    Only a part of a vehicle counts ("a van with her dog in the back" is the driver's), and only inside the
    vehicle's own phrase: a ship passing in the distance is "she" too, but words of scenery place it there,
    and they rule first."""
    return any(t.dep_ == "poss" and t.lower_ in ("her", "his") and t.head.lower_ in VEHICLE_PARTS
               for t in tok.subtree if t.i > tok.i)


def _personified(tok: Token) -> bool:
    """A vehicle with a face ("a tugboat with round eyes and a wide grin", data/sieves.json
    `face_words`), or the subject of a verb only the living do among the verbs it is the subject of, joined
    ones and its relative clause included ("rolls out of the barn and yawns", "the van, which winks at her"):
    a cartoon's vehicle, a character."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "with" and any(
                t.pos_ == "NOUN" and (t.lemma_.lower() in FACE_WORDS or t.lower_ in FACE_WORDS) for t in prep.subtree):
            return True
    verbs = []
    if tok.dep_ in ("nsubj", "nsubjpass"):
        verbs = [tok.head, *tok.head.conjuncts]
    verbs += [c for c in tok.children if c.dep_ == "relcl" and any(
        s.dep_ == "nsubj" and s.lower_ in ("which", "that", "who") for s in c.children)]
    lemmas = [v.lemma_.lower() if v.pos_ == "VERB" else R.verb_base(v.lower_) if v.tag_ == "NNS" else None
              for v in verbs]  # "rolls out of the barn and yawns": the small model reads "yawns" as a noun
    return any(v is not None and v not in SCENE_VEHICLE_VERBS and R.animate_verb(v) for v in lemmas)


def _cast_vehicle(tok: Token, ctx: LinkContext) -> bool:
    """Once the story has a vehicle character, its other vehicles are characters too wherever they are a
    clause's subject, even of a verb of scenery ("a van sits by the gate"), unless placed in the distance
    ("far off, a lorry rumbles along the motorway"): a world of talking trucks casts its vehicles."""
    if tok.dep_ not in ("nsubj", "nsubjpass") or not any(
            c.entry is not None and c.type == "vehicle" for c in ctx.clusters.values()):
        return False
    around = [t for c in tok.head.children if c.dep_ in ("advmod", "npadvmod", "prep") for t in c.subtree]
    return not any(t.lower_ in SCENE_VEHICLE_WORDS for t in [*tok.subtree, *around] if t.i != tok.i)
def _thing_reading(m: Mention, tok: Token, ctx: LinkContext) -> bool:
    """A noun known only to WordNet whose first sense is a person but that also names a thing or a place is that
    thing where the phrase places it among things ("his garden rake", "a roadside diner": see `_thing_context`)
    and nothing treats it as someone: it does nothing only the living do, has no age, gender, count or clothes,
    no name or phrase beside it renames it, and the story has no character of that noun."""
    if m.kind != "noun" or m.type != "person" or from_lexicon(m.lemma):
        return False
    senses = R.noun_senses(m.lemma)
    if senses[:1] != "P" or not any(c in senses for c in "XLW"):
        return False
    if m.age is not None or m.gender is not None or m.stated_age is not None or m.clothing or m.count is not None:
        return False
    if m.subject and (R.animate_verb(tok.head.lemma_.lower()) or any(R.animate_verb(v) for v in m.acts)):
        return False
    if m.appos_of is not None or any(x.appos_of == m.index for x in ctx.mentions):
        return False
    if any(c.dep_ == "relcl" and any(t.lower_ in ("who", "whom", "whose") for t in c.subtree) for c in tok.children):
        return False
    if _known(m, ctx) or counterpart_noun(m.lemma) or m.lemma in KEEPER_NOUNS:
        return False
    return _thing_context(tok, senses)


def _group_of_things(tok: Token) -> bool:
    """A collective noun whose "of" phrase names things, not characters, counts things: "a pair of scissors",
    "a set of keys" (but "a pair of mallards", "a group of children")."""
    objs = of_objects(tok)
    return bool(objs) and all(o.pos_ == "NOUN" and noun_info(o.lemma_.lower()) is None
                              and noun_info(o.lower_) is None for o in objs)


def _thing_context(tok: Token, senses: str) -> bool:
    """The phrase places the noun among things: a noun modifier that names no character ("garden", "hospital"),
    or, for a place sense, the object of a preposition of place ("at a diner", "outside the ward")."""
    for c in tok.children:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and noun_info(c.lemma_.lower()) is None:
            return True
    return "L" in senses and tok.dep_ == "pobj" and tok.head.lower_ in PLACE_PREPOSITIONS


def _photographed(tok: Token) -> bool:
    """The character is shown on a photograph, a poster or film (data/sieves.json `recording_nouns`), a
    recording of a real individual who is elsewhere: a later phrase for it as a clause's subject ("the
    spaniel bounds in") is that individual arriving, not the picture again, so its noun is kept as someone
    elsewhere, not as a prop (what a painting, statue or toy shows stays a prop)."""
    return any(a.pos_ == "NOUN" and a.lemma_.lower() in RECORDING_NOUNS for a in tok.ancestors)


def _shown_by_depiction(tok: Token) -> bool:
    """The character is what a depiction shows: the object of a showing verb (data/sieves.json `showing_verbs`)
    whose subject is a picture, mural, screen or the like ("a mural shows a cartoon fox"), or the subject of the
    clause such a verb takes ("the poster depicts a tiger leaping", parsed with the tiger as the subject of
    "leaping")."""
    verb = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass") and verb.dep_ in ("ccomp", "xcomp"):
        verb = verb.head
    elif tok.dep_ != "dobj":
        return False
    return verb.lemma_.lower() in SHOWING_VERBS and any(
        c.dep_ == "nsubj" and c.lemma_.lower() in DEPICTIONS for c in verb.children)


def _depicted_as(tok: Token) -> bool:
    """The phrase after "as" on a picture ("a faded photograph of his brother as a young soldier", "a portrait of
    her as a bride") says how the picture shows its subject: it is that pictured subject, not someone new. The
    parse may hang the "as" on the verb whose object the picture is ("holds a photo of her son as a baby")."""
    if tok.dep_ != "pobj" or tok.head.lower_ != "as":
        return False
    host = tok.head.head
    pictures = [host] if host.pos_ == "NOUN" else [c for c in host.children if c.dep_ == "dobj"]
    return any(p.pos_ == "NOUN" and p.lemma_.lower() in DEPICTIONS and p.i < tok.i for p in pictures)


def _simile(m: Mention, tok: Token) -> bool:
    """An indefinite phrase after the preposition "like" only says what someone or something is like ("rides
    on the cart like a passenger", "grins like a boy"), and one after "than" what it is measured against ("no
    bigger than a goat"): a comparison, nobody new in the scene. (A definite one may compare with someone who
    is there: "sways like the old man", "taller than the boy".)"""
    return m.kind == "noun" and m.det in ("indef", "none") and tok.dep_ == "pobj" and (
        tok.head.lower_ == "like" and tok.head.pos_ == "ADP" or tok.head.lower_ == "than")


def _mass_of(m: Mention, tok: Token) -> bool:
    """A bare singular animal noun after "of" ("a morsel of chicken", "a slice of salmon", "the smell of fish"):
    without an article it is the meat or the stuff, not one animal (a single animal, even as food, takes one: "a
    caught trout"). Only a bare animal noun with no modifier: "a school of colourful fish" may be a shoal the
    story follows ("fish" is its own plural)."""
    return m.kind == "noun" and m.type == "animal" and m.det == "none" and not m.plural and not m.modifiers \
        and tok.tag_ == "NN" and tok.text.islower() and tok.dep_ == "pobj" and tok.head.lower_ == "of" \
        and tok.head.head.pos_ == "NOUN"


def _likeness(tok: Token) -> bool:
    """The character noun only gives a thing its form: "a teapot shaped like an owl", "a kite in the shape of a
    fish" (words of data/sieves.json `likeness_words`)."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ not in ("like", "of"):
        return False
    return prep.head.lemma_.lower() in LIKENESS_WORDS or prep.head.lower_ in LIKENESS_WORDS


def _made_and_acting(m: Mention, tok: Token) -> bool:
    """A character made of a material (no other toy word) that acts on something is a creature, not a
    statue: "a clay golem carries a beam", "the stone lion lifts the boy" (but "a stone lion stands")."""
    if not m.modifiers & MATERIAL_MODIFIERS or m.modifiers & (TOY_MODIFIERS - MATERIAL_MODIFIERS) \
            or m.nouns & L.ARTWORK:
        return False
    verb = tok.head
    return tok.dep_ == "nsubj" and verb.pos_ == "VERB" and (
        any(c.dep_ == "dobj" for c in verb.children) or R.animate_verb(verb.lemma_.lower()))


def _material_of_a_character(m: Mention, ctx: LinkContext) -> bool:
    """A definite phrase whose only toy words are materials that describe a character the story already has
    ("the stone figure" after "a stone golem" walked and talked) names that character, not a statue."""
    materials = m.modifiers & MATERIAL_MODIFIERS
    if m.det not in ("def", "poss") or not materials or m.modifiers & (TOY_MODIFIERS - MATERIAL_MODIFIERS) \
            or m.nouns & L.ARTWORK:
        return False
    return any(c.entry is not None and c.type not in ("prop", "thing") and materials <= c.descriptors
               for c in ctx.clusters.values())


def _worn(tok: Token) -> bool:
    """A garment, hair or a body part: its owner is there ("measures a customer's trousers")."""
    low = tok.lemma_.lower()
    return low in L.CLOTHING or low in L.HAIR_WORDS or low in L.BODY_PARTS or tok.lower_ in L.CLOTHING


def _described_as_person(m: Mention) -> bool:
    """A general word for a person ("man", "boy"), or one given clothing or an age, is a player, not a
    piece, even where the noun also names a game piece ("a bald man in a waistcoat plays chess")."""
    return m.lemma in L.GENERIC_PERSON or bool(m.clothing) or m.age is not None or m.stated_age is not None


def _known(m: Mention, ctx: LinkContext) -> bool:
    return any(m.names & c.names or m.lemma in c.nouns for c in ctx.clusters.values())


def _object_side(tok: Token, verb: Token) -> bool:
    """The mention is not the verb's subject ("she misses her brother": the brother, not she)."""
    path = [tok, *list(tok.ancestors)]
    below = path[path.index(verb) - 1] if verb in path and path.index(verb) > 0 else tok
    return below.dep_ not in ("nsubj", "nsubjpass")


def _located_on(tok: Token, nouns: frozenset[str]) -> Token | None:
    """The "on/over the <noun>" phrase (one of `nouns`) attached to the token, if any."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "over", "onto") and any(
                g.lemma_.lower() in nouns for g in c.children):
            return c
    return None


def _clause_verb(tok: Token) -> Token | None:
    return next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)


def _subject_side(tok: Token, verb: Token) -> bool:
    return any(tok is t or tok in t.subtree for t in verb.children if t.dep_ in ("nsubj", "nsubjpass"))


def _on_the_phone(tok: Token) -> bool:
    """"her uncle on the line"; "tells her uncle on the phone" (the verb's phrase, for its object). A line is a
    phone line only where the prompt names a phone or a call ("a trout on the line" is on a fishing line)."""
    words = PHONE_WORDS | PHONE_LINE_WORDS if any(t.lemma_.lower() in PHONE_WORDS for t in tok.doc) else PHONE_WORDS
    if _located_on(tok, words) is not None:
        return True
    verb = _clause_verb(tok)
    return verb is not None and _located_on(verb, words) is not None and not _subject_side(tok, verb)


def _told_by_phone(tok: Token) -> bool:
    """The one a speech verb tells something to ("telling her son how to fry the onions"), where that verb or the
    verb it hangs on holds a phone through a preposition ("with the phone under her chin", "into
    her phone"): the listener is at the other end of the line, not in the scene. A phone that is only handled
    ("puts down the phone and tells her son") says nothing."""
    obj = tok.head if tok.dep_ == "appos" else tok
    if obj.dep_ not in ("dobj", "dative") or obj.head.lemma_.lower() not in SPEECH_VERBS:
        return False
    verb = obj.head
    hosts = [verb, verb.head] if verb.dep_ in ("advcl", "conj", "xcomp") else [verb]
    return any(t.dep_ == "pobj" and t.lemma_.lower() in PHONE_WORDS - DISPLAY_NOUNS
               and t.head.lower_ in ("with", "on", "into", "over", "through") for h in hosts for t in h.subtree)


def _sender(m: Mention, tok: Token) -> bool:
    """Who a letter, text or call is from ("reads a letter from her sister", "a voicemail from his coach"): it was
    sent from elsewhere, so the sender is not in the scene. "from" must hang on the message noun itself (in
    "takes the letter from the postman" it hangs on the verb, and the postman hands it over in person)."""
    return m.kind in ("noun", "name") and tok.dep_ == "pobj" and tok.head.lower_ == "from" \
        and tok.head.head.pos_ == "NOUN" and tok.head.head.lemma_.lower() in SENT_MESSAGE_NOUNS


def _on_display(tok: Token) -> bool:
    """Shown on a screen: the phrase is the mention's own ("a presenter on the television"), opens its
    clause before it ("On the screen, a wolf chases a deer": subject and object alike), or follows
    the mention as the verb's ("the puppy yaps with the foxes on the screen": not the subject)."""
    if _located_on(tok, DISPLAY_NOUNS) is not None:
        return True
    verb = _clause_verb(tok)
    prep = _located_on(verb, DISPLAY_NOUNS) if verb is not None else None
    if prep is None or verb is None:
        return False
    return prep.i < tok.i and prep.i < verb.i or prep.i > tok.i and not _subject_side(tok, verb)


def _elaborates_depiction(m: Mention, tok: Token) -> bool:
    """The phrase follows a colon whose sentence has a depiction before it ("tells him about the vision:
    a wolf with a scar ..."; "reads the letter aloud: his son writes ..."): it says what the dream,
    letter or photo shows, unless a plural of characters comes between the depiction and the colon ("a pier hung
    with banners, where three cousins wait: the eldest ..."): what follows then singles out its members (one
    character between, "reads the letter to the dog: ...", leaves the colon to the letter)."""
    sent = tok.sent
    colon = next((t for t in sent if t.text == ":" and t.idx < m.start), None)
    if colon is None:
        return False
    before = [t for t in sent if t.i < colon.i]
    if not any(t.pos_ in ("VERB", "AUX") for t in before):
        return False  # a verbless heading labels a shot ("Split screen: ..."), it shows no depiction
    last = max((t.i for t in before if t.pos_ == "NOUN" and t.lemma_.lower() in DEPICTIONS
                and not kind_of_place_or_thing(t)), default=None)
    if last is None:
        return False
    return not any(t.dep_ not in ("compound", "amod") and t.tag_ == "NNS" and (info := noun_info(t.lemma_.lower()))
                   is not None and info.type in ("person", "any", "animal", "creature") for t in before if t.i > last)


def _still_elsewhere(m: Mention, tok: Token, ctx: LinkContext) -> bool:
    """A definite phrase of a noun the story has only used for someone elsewhere, as a possessor or an
    object, with no entity bearing the noun: still that absent one ("the hiker's tent")."""
    if m.kind != "noun" or m.det not in ("def", "poss") or m.lemma not in ctx.registry.elsewhere:
        return False
    if any(m.lemma in c.nouns for c in ctx.clusters.values()):
        return False
    return tok.dep_ not in ("nsubj", "nsubjpass")


def _stated_absent(tok: Token) -> bool:
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    for c in verb.children:
        if c.dep_ in ("acomp", "advmod", "attr", "neg") and c.lower_ in ABSENCE_WORDS:
            return verb.lemma_ in ("be", "remain", "stay", "seem") or c.lower_ == "nowhere"
    return False


def _departed(tok: Token) -> bool:
    """The subject of a departure told as done is gone: a verb of leaving in the perfect ("the courier has already
    left", "the goat had run off"), a verb of dying in the past ("her uncle died last spring"), or a verb of
    arriving negated in the perfect ("the ferryman has not come back"), while the prompt itself is told in the
    present. Leaving now ("the courier leaves") is still being there."""
    if tok.dep_ not in ("nsubj", "nsubjpass") or not _told_in_present(tok.doc):
        return False
    verb = tok.head
    lemma = verb.lemma_.lower()
    if verb.tag_ == "VBD" and lemma in DEATH_VERBS:
        return True  # "her grandfather died last spring"
    if not (verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)):
        return False  # a simple past in a present-tense prompt may be a slip of tense: "the dog ran off" is not enough
    if any(c.dep_ in ("prt", "advmod") and c.lower_ in DEPARTURE_PARTICLES for c in verb.children):
        return True
    if lemma in DEPARTURE_VERBS:
        return not any(c.dep_ in ("acomp", "oprd", "xcomp") for c in verb.children)  # not "has gone pale"
    return lemma in ARRIVAL_VERBS and any(c.dep_ == "neg" for c in verb.children)


def _sought(tok: Token) -> bool:
    """Whom someone waits or searches for is not (yet) there: "waits at the gate for her father", "searches the
    woods for a lost lamb" (data/sieves.json `seeking_verbs`); should it arrive, the phrase saying so is there."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.lemma_.lower() in SEEKING_VERBS


def _owner_while_alone(m: Mention, tok: Token) -> bool:
    """In a prompt that says its subject does something alone ("the boy sits alone"), another character named
    only as the owner of a thing (not a part of the body, hair or clothes) is not there: "sits alone, holding the
    dog's leash" (but not one left alone: "leaving the dog alone")."""
    if tok.dep_ != "poss" or m.kind != "noun" or _worn(tok.head):
        return False
    for t in tok.doc:
        if t.lower_ == "alone" and t.dep_ == "advmod":
            subject = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.lemma_.lower() != m.lemma:
                return True
    return False


def _owner_of_empty(tok: Token) -> bool:
    """The owner of a place said to be empty, or of a grave, is not there: "the old man's empty bed", "his
    grandfather's chair is empty", "the terrier's grave" (data/sieves.json `empty_words`, `remains_nouns`)."""
    if tok.dep_ != "poss":
        return False
    thing = tok.head
    if thing.lemma_.lower() in REMAINS_NOUNS:
        return True
    if any(c.dep_ == "amod" and c.lower_ in EMPTY_WORDS for c in thing.children):
        return True
    return thing.dep_ == "nsubj" and thing.head.lemma_ in ("be", "lie", "sit", "stand", "remain", "stay") and any(
        c.dep_ in ("acomp", "oprd") and c.lower_ in EMPTY_WORDS for c in thing.head.children)


def _told_in_present(doc: Doc) -> bool:
    """Some verb or auxiliary of the prompt is in the present tense ("sits", "has gone")."""
    return any(t.tag_ in ("VBZ", "VBP") for t in doc)


def _acts(tok: Token) -> bool:
    """A vehicle is a character when it is the subject of a verb things of the scene do not do."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head.lemma_.lower()
    if any(c.lower_ in SCENE_VEHICLE_WORDS for c in tok.head.children):
        return False  # "a ship slides past"
    return verb not in SCENE_VEHICLE_VERBS and (R.animate_verb(verb) or verb not in ("be", "have"))
