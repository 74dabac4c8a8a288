from tests.plugins.agent.sieves.helpers import with_and_without


def test_she_is_the_woman_of_the_previous_prompt():
    story = ["A woman in a mustard cardigan waits at a bus stop.", "She checks her watch."]
    on, off = with_and_without("pronouns", story)
    assert on == [[1], [1]]
    assert on != off
