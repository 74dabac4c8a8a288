from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_a_possessive_role_word_is_the_one_other_person_of_the_scene():
    # the woman was never called "his coach"; she is the only other person there
    story = ["A wiry woman in a red tracksuit blows a whistle at the edge of the pool.",
             "A boy dives in while she counts the laps.",
             "The boy climbs out and his coach hands him a towel."]
    on, off = with_and_without("owned_role", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_possessor_of_a_thing_is_not_taken_for_someone_there():
    # "his manager's glasses": the manager owns a thing, nothing says he is there (nor that he is the cook)
    story = ["A young cook chops onions beside a waiter.",
             "The waiter polishes his manager's glasses."]
    assert ids(story)[1] == [2]


def test_a_machines_twin_is_not_the_person_of_the_scene():
    story = ["A small silver robot sweeps the lobby while a porter stacks chairs.",
             "The robot beeps as its twin rolls out of the lift."]
    assert ids(story) == ids(story, ("owned_role",))


def _with_story_rule(story: list[str], on: bool = True) -> list[list[int]]:
    from plugins.agent.linker import link_story
    from plugins.agent.sieves import owned_role

    keep = owned_role.story_other_person
    if not on:
        owned_role.story_other_person = lambda people, scene: None
    try:
        return [r.entity_ids for r in link_story(story)]
    finally:
        owned_role.story_other_person = keep


def test_a_possessive_role_with_nobody_in_the_scene_is_the_one_other_person_of_the_story():
    # the helper of the opening left the scene two prompts ago; nobody else in the story can be the one meant
    stories = [
        ["A ski instructor in a red jacket pulls a boy out of a snowdrift.", "The boy coughs and wipes his goggles.",
         "A dog barks somewhere below the slope.", "Back at the lodge, the boy hugs his rescuer."],
        ["An old locksmith opens a stuck door for a woman in a raincoat.", "She thanks him and hurries upstairs.",
         "Her cat meows from the landing.", "Later she sends her helper a box of biscuits."],
        ["A tall lifeguard drags a swimmer out of the surf.", "The swimmer coughs up seawater.",
         "Gulls wheel over the empty beach.", "That evening the swimmer buys his saviour a drink."],
    ]
    for story in stories:
        on = _with_story_rule(story)
        assert on[3] == [1, 2], story[-1]
        assert _with_story_rule(story, on=False)[3] != on[3], story[-1]


def test_a_possessive_role_with_two_other_people_in_the_story_stays_new():
    story = ["A ski instructor in a red jacket pulls a boy out of a snowdrift.", "A nurse wraps the boy in a blanket.",
             "A dog barks somewhere below the slope.", "Back at the lodge, the boy hugs his rescuer."]
    assert _with_story_rule(story)[3] == [2, 5]
