from plugins.agent.linker import link_story
from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_pair_is_the_couple():
    # a couple is its two members from the start (so that a later role can single either out); "the pair" is both
    story = ["A newlywed couple in rain ponchos strolls along the canal.", "The pair drift past a kiosk."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_listed_members_are_the_entities_not_the_plural():
    story = ["Two friends sit on a bench: a man in a hat and a woman in a scarf."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2]]
    assert on != off


def test_a_plural_of_what_its_members_are_names_the_group():
    story = ["A brass trio in red waistcoats plays in a shopping arcade.",
             "A freckled girl in a purple hoodie halts beside the musicians and cheers."]
    on, off = with_and_without("groups", story)
    assert on[1] == [1, 2]  # the trio and the girl; "the musicians" is no third entity
    assert on != off


def test_a_plural_reaches_back_to_the_previous_prompt_when_its_own_has_none():
    story = ["A tall boy in a red cap sits on a pier. His little brother holds the bucket.",
             "A gull and a seal watch the boys from the rocks."]
    on, off = with_and_without("groups", story)
    assert on[1] == [1, 2, 3, 4]
    assert on != off


def test_names_introduced_after_a_counted_plural_are_its_members():
    story = ["An old fisherman mends a net on the beach for two kids in sun hats.",
             "Mira, the girl in the blue hat, laughs. Tavi, her little brother, digs in the sand.",
             "The fisherman hands the net to the kids."]
    on, off = with_and_without("groups", story)
    assert on[1] == [2, 3] and on[2] == [1, 2, 3]
    assert on != off


def test_a_collective_noun_only_wordnet_knows_is_one_group():
    # "crew" is in no hand-made list: WordNet files it under units of people (wordnet_people_groups.txt)
    story = ["A fishing crew in orange overalls hauls a net onto the deck.",
             "The crew cheer as the net comes up full. They wave at the harbour."]
    on, off = with_and_without("groups", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_counted_plural_takes_people_before_an_animal():
    story = ["A grey-haired woman in a cardigan tosses crumbs to a duck by the pond.",
             "Her granddaughter hands her a muffin and the duck waddles onto the path.",
             "The two of them head to the car."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 3]
    assert on != off


def test_all_three_takes_in_the_animals_already_there():
    story = ["A black dog and a white dog play in a field.", "A tiny puppy joins them.",
             "All three dogs drink from the pond."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2, 3]
    assert on != off


def test_their_kin_is_not_one_of_the_counted_members():
    story = ["Two brothers play chess in the garden while their uncle waters the roses.",
             "The uncle laughs at the brothers."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1, 2, 3]]
    assert on != off


def test_a_member_is_singled_out_while_its_group_is_in_reach():
    story = ["A three-piece jazz band squeezes into a corner of the cafe.",
             "The pianist, a man with a goatee, cracks his knuckles.",
             "The saxophonist, a lanky woman, tunes up.", "The drummer, a tall man with dreadlocks, smiles."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1], [2], [3]]
    assert on != off


def test_a_counted_plural_gives_its_noun_to_each_it_covers():
    story = ["A girl of fourteen bakes bread while her sister, a six-year-old, watches.", "The two sisters eat.",
             "The older sister washes the bowl."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2], [1]]  # both are sisters, so "the older sister" is the fourteen-year-old
    assert on != off


def test_a_counted_plural_takes_the_entities_that_bear_its_noun_over_the_recent_scene():
    # the cousin is on screen in the previous prompt, the elder brother is not: "the two brothers" are still
    # the two the story called brothers
    story = ["A freckled boy chases his brother, a skinny five-year-old in a striped shirt.",
             "The two brothers sit with their cousin, a tall boy in a cap.",
             "The cousin laughs at the older brother.",
             "The little one hides behind the cousin.",
             "The two brothers wave at their cousin."]
    on, off = with_and_without("groups", story)
    assert on[4] == [1, 2, 3]
    assert on != off


def test_a_counted_comparative_plural_takes_the_members_its_comparative_names():
    # "the two older brothers" of three are the eldest two, not whoever was on screen last
    story = ["Three brothers fish from a jetty. The eldest, a lanky boy, baits the hooks.",
             "The middle brother, a boy in glasses, holds the net beside them; the youngest, a five-year-old, "
             "sits on a bucket.",
             "A gull lands near the youngest, and the eldest shoos it away.",
             "The two older brothers cast their lines."]
    on, off = with_and_without("groups", story)
    assert on[3] == [1, 2]
    assert on != off


def test_a_group_named_with_its_members_noun_is_later_called_by_that_noun():
    story = ["A gang of teenagers skateboards past a bakery, whooping.",
             "The gang stops at a fountain.",
             "A baker in a floury apron steps out and the teenagers scatter."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2]
    assert on != off


def test_one_with_a_noun_singles_out_a_member_of_a_counted_plural():
    story = ["Two dogs run into the yard. One dog barks at the gate; its sister sniffs a boot."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2]]
    assert on != off


def test_a_more_general_plural_covers_an_animal_group():
    story = ["Two girls sit on a dock. A pair of swans glides across the pond.", "The girls laugh at a kite.",
             "The birds drift back to the dock."]
    on, off = with_and_without("groups", story)
    assert on[2] == [3]
    assert on != off


def test_a_counted_plural_takes_the_storys_bearers_of_its_noun_when_they_are_that_many():
    story = ["An elderly man in a purple cardigan walks a terrier past a market.",
             "A woman in a blue hat waves at a young man in glasses.",
             "The two men shake hands."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 4]
    assert on != off


def test_a_couple_is_two_members_from_the_start_so_its_roles_split_it_and_a_plural_takes_both_back():
    # each member is there from the first prompt; "The husband" and "his wife" single them out, and "the
    # newlyweds" (a noun neither member bears) takes in the couple's two members
    story = ["A young couple in matching raincoats waits at a bus stop.",
             "The husband checks the timetable while his wife opens an umbrella.",
             "The newlyweds board the bus."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2], [1, 2]]
    assert on != off


def test_a_definite_plural_that_names_nobody_takes_in_the_last_counted_set():
    # "the climbers": no entity bears the noun or a WordNet relative of it; the two hikers are the counted set
    story = ["Two hikers in red jackets climb a ridge.", "A goat watches the climbers from a rock."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2, 3]]
    assert on != off


def test_a_trio_whose_players_are_listed_is_its_players():
    # "trio" counts three; the phrases after its colon are its members, and "the trio" takes all three back
    story = ["A brass trio plays on a corner: a trumpeter in a red cap, a tubist with a grey beard, and a young "
             "drummer.", "The old tubist wipes his brow.", "The trio bows to a passing bus."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [2], [1, 2, 3]]
    assert on != off


def test_a_quartet_nobody_lists_plays_as_one_entity():
    on, off = with_and_without("groups", ["A string quartet plays in a station hall.",
                                          "A girl twirls beside the musicians."])
    assert on == [[1], [1, 2]]
    assert on != off


def test_a_group_word_of_a_counted_plural_adds_nobody_to_its_members():
    # "a pair of twins", "a group of three friends": the members are the characters; "the twins" / "the friends"
    # later are exactly those members, with no third entity for the group word
    for story, members in ((["A pair of young twins in yellow boots splash through puddles.",
                             "The twins race to the gate."], [1, 2]),
                           (["A group of three friends in matching scarves waits at a tram stop.",
                             "The friends board the tram."], [1, 2, 3])):
        on, off = with_and_without("groups", story)
        assert on == [members, members]
        assert on != off


def test_a_kin_term_that_singles_out_a_member_teaches_the_relation():
    story = ["A potter in a clay-streaked smock shows two children how to throw a bowl.",
             "Sina, the girl with the long plait, shapes a cup first. Ioane, her younger brother with muddy knees, "
             "knocks his lump off the wheel.",
             "The potter chuckles. Ioane hides behind his sister and she pats his head."]
    on, off = with_and_without("groups", story)
    sister = next(lk for lk in link_story(story)[2].links if lk["text"] == "his sister")
    assert sister["ids"] == [2]  # Sina, whose younger brother Ioane is
    assert on[2] == [1, 2, 3]
    assert on != off


def test_described_ones_listed_after_a_counted_plural_are_its_members():
    story = ["At dawn two bakers unload sacks of flour from a van: a thin one who hops out first and a stout one who "
             "holds the door.",
             "The thin man carries a sack into the bakery.",
             "The big baker sets a tray down beside the van."]
    on, off = with_and_without("groups", story)
    links = {lk["text"]: lk["ids"] for lk in link_story(story)[0].links}
    assert links["a thin one"] == [1] and links["a stout one"] == [2]
    assert on == [[1, 2], [1], [2]]  # the big baker is the stout one, not the thin one
    assert on != off


def test_someones_companions_are_the_rest_of_their_group():
    # "his companions" is never their owner, and in a group story it is the group's other members, not the
    # animal that shares the scene
    story = ["Three cyclists pedal along a coastal road: a stocky man in yellow, a wiry woman and a teenage boy.",
             "A goat wanders onto the road. The stocky man brakes hard while his companions swerve around it."]
    on, off = with_and_without("groups", story)
    assert on[1] == [1, 2, 3, 4]
    assert on != off


def test_a_name_beside_a_description_that_singles_a_member_out_is_that_member():
    story = ["On a village green, three jugglers in striped waistcoats toss clubs to each other.",
             "Paolo, the tallest, balances a club on his chin.",
             "Paolo drops the club."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1], [1]]
    assert on != off


def test_names_listed_for_a_plural_that_refers_back_are_its_members():
    story = ["Two sisters in raincoats splash through puddles.",
             "The sisters, Ines and Marta, race to the gate.",
             "Marta slips on the wet step."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2], [2]]
    assert on != off


def test_names_listed_after_a_colon_later_in_the_plurals_sentence_are_its_members():
    story = ["Three acrobats in white leotards stretch on a mat.",
             "The tallest waves, and her two brothers wait by the rope: Emil in a cap, Jonas in a scarf.",
             "Jonas climbs the rope."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1, 2, 3], [3]]
    assert on != off


def test_a_name_beside_a_counted_plural_is_the_groups_name():
    story = ["On a village green, the Marchetti Brothers, three jugglers in striped waistcoats, toss clubs.",
             "The tallest balances a club on his chin.",
             "The three Marchettis bow to the crowd."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1], [1, 2, 3]]
    assert on != off


def test_a_counted_cover_is_the_set_introduced_with_that_count():
    # "all three" after a prompt that showed one swimmer and a woman on the pier: the three swimmers
    story = ["Three swimmers in red caps dive into a lake.",
             "The tallest swimmer waves to a woman on the pier.",
             "All three climb onto the jetty."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2, 3]
    assert on != off


def test_another_group_is_never_one_the_story_has():
    story = ["Four paddlers in green bibs steer a canoe across a lake.",
             "The team dig in together. Another team in orange bibs pulls alongside them."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3, 4], [1, 2, 3, 4, 5]]
    assert on != off


def test_a_plural_group_noun_covers_the_groups_and_a_colour_picks_one():
    story = ["A relay team in green singlets jogs onto a track.",
             "Another team in white singlets lines up on the next lane.",
             "Both teams sprint off at the whistle.",
             "The green team takes the lead.",
             "The white team stumbles at the bend."]
    on, off = with_and_without("groups", story)
    assert on == [[1], [2], [1, 2], [1], [2]]
    assert on != off


def test_a_group_noun_after_a_plural_of_people_is_that_plural():
    story = ["Some sailors in striped shirts sing on a quay.", "The crew lean back against a wall."]
    on, off = with_and_without("groups", story)
    assert on == [[1], [1]]
    assert on != off


def test_the_other_two_are_the_members_not_singled_out():
    story = ["Three climbers in red helmets rope up at the foot of a cliff.",
             "The youngest climber slips and twists her ankle. She limps back to the camp.",
             "The other two reach the ledge and wave.",
             "The remaining climbers haul up their packs."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1], [2, 3], [2, 3]]
    assert on != off


def test_their_parents_are_never_the_children_their_stands_for():
    story = ["On a riverbank a father and a mother unpack a picnic for two small girls.",
             "The girls chase a goose along the bank while their parents laugh."]
    on, off = with_and_without("groups", story)
    assert on[1] == [1, 2, 3, 4, 5]
    assert on != off


def test_a_group_whose_members_are_listed_is_those_members():
    story = ["A family of four unpacks a picnic on a riverbank: a father, a mother and two small girls.",
             "A goose waddles past.",
             "The whole family wades into the shallows."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3, 4], [5], [1, 2, 3, 4]]
    assert on != off


def test_the_pair_is_the_counted_pair_whose_members_were_singled_out():
    story = ["Three skaters glide across a frozen pond: a stout man in a green scarf and a couple arm in arm, "
             "a girl in a white hat and a boy in mittens.",
             "The stout man stops to tie a lace. The pair spin in a slow circle."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [1, 2, 3]]
    assert on != off


def test_a_job_word_in_the_sentence_that_brings_a_couple_in_is_someone_beside_it():
    # "the captain" in the sentence that introduces the honeymooners works the ferry: it does not split the
    # couple, which stays one entity ("the pair" later)
    story = ["At sunrise, a pair of honeymooners boards a small ferry while the captain, a bearded man in a knitted "
             "cap, starts the engine.",
             "The captain steers past the cliffs.", "The pair wave at the gulls."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [2], [1]]
    assert on != off


def test_a_name_after_and_with_only_the_first_names_description_between_is_listed_too():
    # the parser hangs the second name on the first one's garment; it is still the plural's second member, so
    # "the two girls" later takes in both names
    story = ["In a bakery in Rouen, a tired mother packs croissants while her twin girls, Mia in a blue dress "
             "and Lena in a pink one, play on the floor.",
             "Mia climbs onto a stool.", "The mother lifts the two girls onto the counter."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [2], [1, 2, 3]]
    assert on != off


def test_names_set_beside_a_counted_plural_inside_a_longer_list_are_its_members():
    # "two girls" sits in the list of the kids and names its own members: it is those two names, not a third
    # character, and "the two girls" later is both of them
    story = ["In a bakery in Rouen, a tired mother packs croissants while her three kids play on the floor: two "
             "girls, Mia in a blue dress and Lena in a pink one, and their brother Tom with a toy truck.",
             "Mia climbs onto a stool.", "The mother lifts the two girls onto the counter."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3, 4], [2], [1, 2, 3]]
    assert on != off


def test_a_count_names_the_counted_set_rather_than_whoever_makes_up_that_number_on_screen():
    # a crow joins two of the three painters; "all three" next are the painters, not the two and the bird
    story = ["On a rooftop in Bergen, a crew of three painters works from a ladder: a lanky foreman with a pipe, a "
             "short young man in a beanie and a woman with a ponytail.",
             "A crow lands on the ladder beside the woman and the short man.", "All three burst out laughing."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3], [2, 3, 4], [1, 2, 3]]
    assert on != off


def test_a_group_word_finds_the_group_the_text_called_by_it_before_a_newer_group():
    # a film crew comes in after the pair; "the pair" is still the pair, not the most recent group
    story = ["At dawn, a pair of honeymooners in matching raincoats boards a small ferry.",
             "The pair watch the gulls from the rail.",
             "A film crew in black jackets sets up a camera on the deck and films the pair."]
    on, off = with_and_without("groups", story)
    assert on == [[1], [1], [1, 2]]
    assert on != off


def test_the_twins_are_the_twin_boys_even_after_a_prompt_of_animals():
    # "the twins" makes a noun of the members' modifier ("twin boys"): the boys, not the otter and the terrier
    story = ["Twin boys of about five, in matching red coats, run along a harbour wall "
             "with a shaggy terrier on a lead.",
             "Their grandparents walk behind under one umbrella.",
             "Both boys lean over the railing and point at an otter in the water.",
             "The otter vanishes; the terrier yaps at the ripples.",
             "In the chip shop, the twins split a portion of fries with their grandparents while the dog snoozes."]
    on, off = with_and_without("groups", story)
    assert on[4] == [1, 2, 3, 4]
    assert on != off



def test_a_count_of_the_whole_set_takes_in_a_member_whatever_age_its_noun_suggests():
    # the eldest sister is a grey-haired woman, yet "all three daughters" are the three sisters
    story = ["Three sisters in wool jumpers pick blackberries along a lane.",
             "The eldest, a grey-haired woman, holds the basket; the middle sister picks; the youngest eats.",
             "Their mother calls from the cottage, and all three daughters sigh."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2, 3, 4]
    assert on != off


def test_a_group_words_age_leaves_out_those_of_another_age():
    # "the elderly pair" is the old couple, not the two children who came in just before it in the sentence
    story = ["An elderly couple feeds pigeons in a square.",
             "A small girl and her little brother chase the birds; the elderly pair laugh."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2, 3, 4]]
    assert on != off


def test_one_of_a_plural_is_a_member_of_the_set_it_covers():
    # "one of the girls" is one of the three schoolgirls, not the first member of the couple that came in first
    story = ["A retired couple rides a tandem along a canal behind three schoolgirls on scooters.",
             "One of the girls, a tiny redhead, falls off.",
             "The redhead climbs back on."]
    on, off = with_and_without("groups", story)
    assert on[1:] == [[3, 4, 5], [3]]
    assert on != off


def test_the_boys_takes_in_a_grown_brother_of_the_set():
    # "the boys" is said of grown brothers too: the white-bearded elder is one of them, not left out by his age
    story = ["Two brothers repair a fishing boat on a shingle beach.",
             "The older one, a white-bearded old man, tars the hull while the younger, a lad of nineteen, "
             "sands the oars.",
             "The boys push the boat into the surf at dusk."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_person_their_owns_is_not_one_of_the_set_their_stands_for():
    # "their guide" is someone the four climbers stand in a relation to, not the first climber nobody singled out
    story = ["Four climbers rope up at the foot of a glacier.",
             "Their guide, a wiry woman, checks every knot.",
             "The guide leads the climbers onto the ice."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2, 3, 4], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]
    assert on != off


def test_a_pair_word_is_never_a_group_called_by_a_word_for_many():
    # a band, a gang or a troop of unknown size is not "the pair" / "both": the counted two beside it are
    stories = [(["A brass band in red coats plays for an elderly couple on a park bench.",
                 "The players stroll round the pair, horns blaring."], [[1, 2, 3], [1, 2, 3]]),
               (["A gang of street kids mocks two tourists lost near the market.",
                 "The pair hurry off towards the station."], [[1, 2, 3], [2, 3]]),
               (["Two bald uncles march a troop of cub scouts along a forest trail.", "The scouts stumble over roots.",
                 "Both uncles stop to quarrel over a compass."], [[1, 2, 3], [3], [1, 2]])]
    for story, expected in stories:
        on, off = with_and_without("groups", story)
        assert on == expected
    assert on != off


def test_a_pair_word_reaches_back_to_the_story_set_of_two():
    # "the pair" / "the duo" some prompts after the couple was last seen is that couple, not a new one; a phrase
    # that contradicts one set ("old" against "young") takes the other; two people on screen stay the pair
    stories = [(["A ranger in a green cap guides a honeymoon couple and three teenagers up a dune.",
                 "The couple walk slowly while the teenagers race ahead.",
                 "A lanky girl slips and the ranger runs to her.",
                 "The lanky girl waits with the honeymoon pair."], [2, 3, 7]),
               (["An elderly couple and two young cyclists share a ferry bench.", "The cyclists fix a tyre.",
                 "A sailor waves at one of the cyclists.",
                 "The elderly pair doze in the sun while the sailor ties a rope."],
                [1, 2, 5]),
               (["A young couple and a mail carrier wait at the bus stop.", "The carrier drops a parcel.",
                 "A dog sniffs the parcel.", "The duo laugh at the dog."], [1, 2, 4]),
               (["Two waiters in white jackets set tables on a terrace.", "The waiters fold napkins.",
                 "A tall man meets a short woman by the fountain.", "The pair walk off arm in arm."], [3, 4])]
    for story, last in stories:
        on, off = with_and_without("groups", story)
        assert on[-1] == last
    on, off = with_and_without("groups", stories[0][0])
    assert on != off


def test_a_member_listed_by_one_is_a_being_of_the_plural_kind():
    # "two robots: a round one and a tall one": each "one" is a robot, so "the round robot" later finds it
    stories = [(["Two cleaning robots glide across a mall floor: a round one and a tall one.",
                 "A toddler chases the round robot."], [[1, 2], [1, 3]]),
               (["Two survey drones buzz over a gravel pit: a yellow one and a grey one.",
                 "The yellow drone dips low."], None)]
    on, off = with_and_without("groups", stories[0][0])
    assert on == stories[0][1]
    assert on != off
    drones = with_and_without("groups", stories[1][0])[0]
    assert drones[1][0] in drones[0]


def test_a_member_word_reaches_its_set_out_of_the_scene():
    # "the taller twin" / "the eldest sister" a prompt or two after the set was last on screen is one of it
    stories = [["Two twin brothers paddle a canoe past a heron.", "The heron flies off.",
                "The taller twin steers while his brother bails water."],
               ["Three sisters hang laundry in a windy yard.", "A postman cycles past with a parcel.",
                "He rings the bell at the next house.", "The eldest sister waves at him."]]
    for story in stories:
        on, off = with_and_without("groups", story)
        assert on[-1][0] in on[0]
        assert on != off


def test_a_count_of_young_people_never_takes_in_a_grown_set_unless_it_is_kin():
    # "both kids" is the girl and her brother, not the grey-haired couple; "all three daughters" still takes in
    # three sisters in their fifties (kin words hold at any age)
    kids = ["A grey-haired couple cycles along a canal towpath.",
            "At a lock, a girl and her little brother sell lemonade.", "The couple buy two cups and the boy pours.",
            "Both kids shout goodbye to the cyclists."]
    on, off = with_and_without("groups", kids)
    assert on[-1] == [1, 2, 3, 4]
    assert on != off
    sisters = ["Three sisters in their fifties run a farm shop.", "A van pulls up and the driver unloads crates.",
               "All three daughters carry boxes inside."]
    assert with_and_without("groups", sisters)[0][-1] == [1, 2, 3]
