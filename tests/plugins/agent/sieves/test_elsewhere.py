import pytest

from plugins.agent.sieves import presence
from tests.plugins.agent.sieves.helpers import ids

GONE = [
    (["A tailor in a waistcoat pins a hem while his apprentice, a gangly girl, sweeps the floor.",
      "The apprentice grabs her jacket and hurries off to the post office.",
      "With her gone, the tailor sits down with a cup of tea."], [1]),
    (["A farmer in a straw hat and her sheepdog walk the fence line at dawn.",
      "A whistle sounds and the dog races off after a stray ewe.",
      "With the dog away in the far paddock, the farmer sits on a stump and eats an apple."], [1]),
    (["An old sculptor chips at a block of marble while his daughter, a student in overalls, sketches him.",
      "The daughter packs her bag and waves goodbye.",
      "With his daughter gone for the summer, the sculptor works late into the night."], [1]),
]


@pytest.mark.parametrize(("story", "last"), GONE)
def test_a_with_phrase_saying_someone_is_away_leaves_them_out(story, last, monkeypatch):
    on = ids(story)
    assert on[-1] == last
    monkeypatch.setattr(presence, "gone_in_absolute", lambda tok: False)
    assert ids(story) != on


LEFT = [
    (["A potter shapes a bowl while her neighbour, a bald man in a cardigan, chats by the kiln.",
      "A courier in a yellow vest drops off a box of glazes for the potter and her neighbour.",
      "With the courier gone, they unpack the box together."], [1, 2]),
    (["Two brothers, a tall boy and a short boy, build a den in the woods while a ranger in green watches.",
      "The ranger waves to the two brothers and strides off up the trail, her radio crackling.",
      "With her gone, they light a tiny fire and toast marshmallows."], [1, 2]),
]


@pytest.mark.parametrize(("story", "last"), LEFT)
def test_a_plural_leaves_out_the_one_the_prompt_says_is_gone(story, last, monkeypatch):
    on = ids(story)
    assert on[-1] == last
    monkeypatch.setattr(presence, "note_gone", lambda ctx, m: None)
    assert ids(story) != on


SENT = [
    ["A fisherman in oilskins mends a net on the jetty.",
     "A text arrives from his daughter: she has passed her exams."],
    ["A young teacher marks essays at her desk.", "A postcard comes from her brother in Lima, covered in stamps."],
    ["An old woman feeds the pigs at dawn.", "A message pings in from Dmitri, and she reads it twice."],
]


@pytest.mark.parametrize("story", SENT)
def test_the_sender_of_a_message_that_arrives_is_elsewhere(story, monkeypatch):
    on = ids(story)
    assert on[-1] == [1]
    monkeypatch.setattr(presence, "sent_from", lambda tok: False)
    assert ids(story) != on



TALKED_OF = [
    (["A policewoman in a green jacket searches the ridge for a missing schoolboy.",
      "Back at the hut, she tells the two girls that the schoolboy is safe."], [1]),
    (["A fisherman's wife waits on the quay for her overdue husband.",
      "A policeman arrives and says the husband has been found near the lighthouse."], [2]),
]


@pytest.mark.parametrize(("story", "last"), TALKED_OF)
def test_someone_only_talked_of_stays_talked_of_in_what_someone_says(story, last, monkeypatch):
    on = ids(story)
    assert on[-1] == last
    monkeypatch.setattr(presence, "talked_of_still", lambda m, ctx: False)
    assert ids(story) != on
