from tests.plugins.agent.sieves.helpers import with_and_without


def test_an_apposition_renames_the_name_before_it():
    story = ["Idris, a ferry pilot in a yellow slicker, steers the boat.", "The pilot waves."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]  # "a ferry pilot" is Idris, so "the pilot" later is Idris too
    assert on != off
