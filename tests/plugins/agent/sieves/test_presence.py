from tests.plugins.agent.sieves.helpers import with_and_without


def test_toys_and_pictures_are_not_characters():
    story = ["A boy in a red cap sits beside a plush toy bear and looks at a photo of a horse.",
             "The boy hugs the bear."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [1]]  # the boy only; the toy bear and the pictured horse are props
    assert on != off


def test_someone_only_dreamt_of_is_absent():
    story = ["A fisherman mends a net on the quay, dreaming of his grandfather."]
    on, off = with_and_without("presence", story)
    assert on == [[1]]
    assert on != off


def test_chess_pieces_are_props_but_the_players_are_present():
    story = ["Two neighbours set up a chessboard on a bench.",
             "A stooped old man in a brown vest moves his bishop, and a young man in a denim jacket takes it "
             "with his queen.",
             "The old man laughs while the young man resets the pieces."]
    on, off = with_and_without("presence", story)
    assert on[1] == on[2] and len(on[1]) == 2
    assert on != off
