"""Comparisons between characters: which of a set a comparative, superlative or ordinal with a noun picks, from
the ages, sizes and builds the text gave them (the relative sieve's "the older one", "the thinner cat")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import AGE_ORDER, Cluster, build_of, contradicts, noun_match, related_match
from ..modifiers import number_value, stated_comparative
from ..nouns import kin_relation, noun_gender, noun_info
from .words import AGE_YEARS, CHILD_YEARS, KIN_GENERATIONS, OLD_YEARS, SIZE_WORDS, YOUNG_YEARS

#: years between an age the text told and an entity's rough age that make them two people (`told_apart`)
GENERATION = 12

if TYPE_CHECKING:
    from ..mentions import Mention


def bearers_of_the_noun(m: Mention, cands: list[Cluster]) -> list[Cluster]:
    """A comparison or an ordinal with a noun chooses among the entities that noun names when two or more bear it
    or a kind of it ("the taller brother" compares the brothers, not their uncle beside them; "the older woman"
    the two women, not the girl; "the first dog" the spaniel and the dog that came second), else among all."""
    if m.kind != "noun" or m.compare is None and m.ordinal is None:
        return cands
    if m.category in ("generic", "epithet"):  # "the older woman": not one known only as a girl (WordNet makes a
        # girl a kind of woman), but the six-year-old sister may be "the youngest girl"
        bearers = [c for c in cands if noun_match(m, c) or not any(_gendered_generic(n) for n in c.nouns)]
    elif m.category == "kinship":  # "the taller brother" compares the brothers when two are called so, else
        # those not called another relative ("the older brother" is not their grandfather)
        bearers = [c for c in cands if noun_match(m, c)]
        if len(bearers) < 2:
            bearers = [c for c in cands if noun_match(m, c) or not any(
                kin_relation(n) not in (None, m.kin) for n in c.nouns)]
    else:
        bearers = [c for c in cands if noun_match(m, c) or related_match(m, c)]
    return bearers if len(bearers) >= 2 else cands


def _gendered_generic(noun: str) -> bool:
    """A general noun that says gender and age ("girl", "man"), unlike "person" or "sister"."""
    info = noun_info(noun)
    return info is not None and info.category == "generic" and noun_gender(noun) is not None


def _stated_or_decade(c: Cluster) -> float | None:
    """The age given in years ("a boy of seven"), else the middle of the one decade given ("in her fifties": 55)."""
    if c.stated_age is not None:
        return float(c.stated_age)
    decades = [n for d in c.descriptors if (n := number_value(d)) is not None and 20 <= n < 100 and n % 10 == 0]
    return float(decades[0] + 5) if len(decades) == 1 else None


def rough_age(c: Cluster) -> float | None:
    """The entity's stated age, else its decade ("a woman in her fifties": 55, older than the young woman beside
    her), else a rough one from its nouns and adjectives (`age_years`), else its age class."""
    given = _stated_or_decade(c)
    if given is not None:
        return given
    known = [AGE_YEARS[n] for n in c.nouns | c.descriptors if n in AGE_YEARS]
    if known:
        return float(min(known) if c.age in ("child", "young") else max(known))
    return float(AGE_YEARS[c.age + "_class"]) if c.age in AGE_ORDER else None


def told_age(c: Cluster) -> float | None:
    """The age the text gave the entity outright: a stated age, a decade, or an adjective that names an age
    ("teenage", "elderly"; not the broad classes "young" and "old"), never one guessed from a noun ("sister")."""
    given = _stated_or_decade(c)
    if given is not None:
        return given
    told = [AGE_YEARS[d] for d in c.descriptors if d in AGE_YEARS and d not in AGE_ORDER]
    return float(sum(told) / len(told)) if told else None


def size_of(c: Cluster) -> float | None:
    """The entity's size: the sum of its size words (+1 large, -1 small), else a child's age makes it smaller."""
    known = [SIZE_WORDS[d] for d in c.descriptors if d in SIZE_WORDS]
    if c.size:
        known.append(1 if c.size == "large" else -1)
    if known:
        return float(sum(known))
    age = rough_age(c)
    return None if age is None else min(age, 18.0) / 18.0 - 1.0  # a child is smaller than an adult


def _value(c: Cluster, attr: str) -> float | None:
    """The entity's value for what a comparative compares: rough age, size, or build (-1 slight, 1 heavy)."""
    if attr == "build":
        build = build_of(c.descriptors)
        return None if build is None else float(build)
    return rough_age(c) if attr == "age" else size_of(c)


def of_its_colour(m: Mention, scope: list[Cluster]) -> list[Cluster]:
    """The candidates of a comparison that share a colour the phrase states ("the little black one" compares the
    black ones), or all of them when none does."""
    same = [c for c in scope if m.colours & c.colours]
    return same or scope


def extreme(m: Mention, scope: list[Cluster]) -> Cluster | None:
    """The one of the scope a comparative or superlative picks ("the older one", "the smallest"): the one a
    comparative word said so of, else the extreme value; None on a tie or when nothing tells them apart."""
    if m.compare is None or len(scope) < 2:
        return None
    by_kin = kin_extreme(m, scope)
    if by_kin is not None:
        return by_kin
    stated = _stated_extreme(m, scope)
    if stated is not None:
        return stated
    attr, direction = m.compare
    values = [(v, c) for c in scope if (v := _value(c, attr)) is not None]
    if not values:
        return None
    if len(values) < len(scope):
        unknown = [c for c in scope if all(c is not x for _, x in values)]
        if len(unknown) == 1 and len(values) == 1:
            # one known age says nothing about which one is older; a known build or size has a side: of two, the
            # thinner is the one not called stout, the stouter the one called so
            side = direction * values[0][0]
            return None if attr == "age" or len(scope) != 2 or side == 0 else values[0][1] if side > 0 \
                else unknown[0]
    values.sort(key=lambda vc: direction * vc[0], reverse=True)
    if len(values) >= 2 and values[0][0] == values[1][0]:
        return None
    return values[0][1]


def graded_nouns(c: Cluster) -> set[str]:
    """The comparatives the entity was called by as a noun of its own ("the elder" of two brothers singled one
    out): they state the difference as an adjective would, so "the younger brother" is then the other one. Only
    a noun that says nothing but who someone is in general counts (a kin or job noun ending in -er is no
    comparative)."""
    return {n for n in c.nouns if (info := noun_info(n)) is not None and info.category == "generic"}


def _stated_extreme(m: Mention, scope: list[Cluster]) -> Cluster | None:
    """Of two, the one entity that a comparative word describes in the same direction ("a younger man" beside
    "a man in his thirties" is "the younger man", whatever ages their nouns suggest), or the one that the
    other's opposite comparative leaves: the text stated the difference, a rough age only guesses it."""
    def said(c: Cluster, direction: int) -> bool:
        words = c.descriptors | graded_nouns(c)
        return any(stated_comparative(d) == (m.compare[0], direction) for d in words) if m.compare else False

    if m.compare is None or len(scope) != 2:  # a comparative compares two: of three, "the older one" of a
        return None  # pair said earlier need not be the oldest
    same = [c for c in scope if said(c, m.compare[1]) and not said(c, -m.compare[1])]
    if len(same) == 1:
        return same[0]
    opposite = [c for c in scope if said(c, -m.compare[1]) and not said(c, m.compare[1])]
    return next(c for c in scope if c is not opposite[0]) if len(opposite) == 1 else None


def most(m: Mention, scope: list[Cluster], n: int) -> list[Cluster] | None:
    """The `n` of `scope` that the mention's comparative names ("the two older brothers" of three: the two
    eldest), or None when a value is unknown or the n-th and the next are equal."""
    if m.compare is None or not 0 < n < len(scope):
        return None
    attr, direction = m.compare
    values = [(_value(c, attr), c) for c in scope]
    known = [(v, c) for v, c in values if v is not None]
    if len(known) < len(values):
        return None
    known.sort(key=lambda vc: direction * vc[0], reverse=True)
    if known[n - 1][0] == known[n][0]:
        return None
    return [c for _, c in known[:n]]


def of_stated_age(years: int, scope: list[Cluster]) -> Cluster | None:
    """The one of the scope a bare age names ("the five-year-old", "the seventy-year-old"): the one given that age,
    else, when nobody was, the one given no age in years whose rough age (`rough_age`: a decade, an age word or
    noun) falls in the same stage of life (child, young, adult, old), so "the five-year-old" is the boy "half her
    height" beside a girl of twelve; when none is, the one whose age nothing tells, beside others all of another
    age ("the eight-year-old" is the grandson beside his grandfather). A stated age is never overruled: one given
    another age in years is out."""
    same = [c for c in scope if c.stated_age == years]
    if same:
        return same[0] if len(same) == 1 else None
    stage = life_stage(float(years))
    ages = [(c, rough_age(c)) for c in scope if c.stated_age is None]
    fits = [c for c, age in ages if age is not None and life_stage(age) == stage]
    if not fits:  # nobody known to be of that age: the one whose age nothing says, when every other is of another
        fits = [c for c, age in ages if age is None] if len(scope) >= 2 else []
    return fits[0] if len(fits) == 1 else None


def life_stage(years: float) -> int:
    """0 child, 1 young, 2 adult, 3 old, by the rough-age bounds of sieves/words.py."""
    return 0 if years <= CHILD_YEARS else 1 if years <= YOUNG_YEARS else 3 if years >= OLD_YEARS else 2


def generations_above(a: Cluster, b: Cluster) -> int:
    """How many generations the story's kin relations put `a` above `b` (the uncle 1 above his nephew, the
    granddaughter 2 below her grandfather), 0 when they are not so related."""
    return KIN_GENERATIONS.get(a.kin.get(b.cid, ""), 0) or -KIN_GENERATIONS.get(b.kin.get(a.cid, ""), 0)


def kin_extreme(m: Mention, scope: list[Cluster]) -> Cluster | None:
    """A comparison of age among entities the story related across generations ("the older one" of a man and his
    nephew, "the younger baker" of a father and son) picks by those relations: the one above every other (or
    below, for "younger") is the older, whatever rough ages their nouns suggest (a "grey-haired" nephew, an
    uncle described by his trade)."""
    if m.compare is None or m.compare[0] != "age" or len(scope) < 2:
        return None
    direction = m.compare[1]
    fits = [c for c in scope if all(generations_above(c, o) * direction > 0 for o in scope if o is not c)]
    return fits[0] if len(fits) == 1 else None


def compared_age(c: Cluster) -> str | None:
    """The side of an age comparison the text put the entity on ("the younger man" beside his father: "young",
    "the elder sister": "old"), when no age word of its own (only "adult", from "man") says more and it was not
    called both."""
    if c.age not in (None, "adult"):
        return None
    sides = {d for w in c.descriptors if (d := stated_comparative(w)) is not None and d[0] == "age"}
    return None if len(sides) != 1 else "old" if next(iter(sides))[1] > 0 else "young"


def not_the_compared_other(m: Mention, cands: list[Cluster], story: list[Cluster]) -> list[Cluster]:
    """A phrase with an absolute age word ("the old man", "the young woman"), when an entity of the story has
    that age (whatever its noun: "an old glassblower"), is not a candidate only called the other side of an age
    comparison ("the younger man" beside him): the comparative put that one below (or above) the other, and the
    age word repeats what was said of the other. With nobody of that age the comparative says nothing (an old man
    may be the younger of two old men, an older boy is still a boy)."""
    if m.age not in ("old", "young", "child") or not any(c.age == m.age and not c.group for c in story):
        return cands
    opposite = "young" if m.age == "old" else "old"
    return [c for c in cands if compared_age(c) != opposite]


def of_its_generation(m: Mention, best: Cluster | None, story: list[Cluster]) -> Cluster | None:
    """A phrase that names an age class ("the boy", "the old woman") is not the candidate recency chose when the story
    related that one across generations to exactly one other compatible entity on the phrase's side (the boy is the
    eagle hunter's nephew, kneeling out of the last shot, not the hunter; the old woman is the grandmother, not her
    granddaughter): the relation says who is younger even when their nouns never gave an age, and it holds for the
    whole story, whoever stood in the last prompt. "Young" alone ("the young woman") moves only to someone who is
    not a child: a young mother is still the young woman beside her baby."""
    if best is None or m.age not in ("child", "young", "old"):
        return best
    side = [o for o in story if o is not best and not o.group and contradicts(m, o) is None
            and (generations_above(o, best) > 0 if m.age == "old" else generations_above(best, o) > 0)
            and not (m.age == "young" and o.age == "child")]
    return side[0] if len(side) == 1 else best


def told_apart(m: Mention, c: Cluster) -> bool:
    """A general noun given an age outright ("the teenage boy", "the elderly woman", "a girl of six": a stated age
    or an age adjective, `age_years`) is not an entity a generation from that age (`rough_age`: "a thin
    man" is about forty): the noun's own age class is too broad to tell a teenager from a grown man ("boy" and
    "man" are one class apart), the adjective is not."""
    told = [AGE_YEARS[d] for d in m.descriptors if d in AGE_YEARS and d not in AGE_ORDER]
    years = m.stated_age if m.stated_age is not None else sum(told) / len(told) if told else None
    age = rough_age(c)
    return years is not None and age is not None and abs(years - age) >= GENERATION
