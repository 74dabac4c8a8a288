"""Regenerate the agent's compact lexical tables from public resources (run by hand, never at run time).

    python plugins/agent/data/build_tables.py --wordnet /usr/share/wordnet \
        --names /path/to/gender_guesser/data/nam_dict.txt

* ``wordnet_nouns.tsv`` -- every lower-case one-word WordNet 3.0 noun with a sense that names a
  possible story character, with the classes of its senses in WordNet's frequency order
  (P person, A animal, C creature, V vehicle, R robot, G game piece, W clothing, L place, X other
  thing, O abstract), ``|a`` when the word is also an adjective, then (for people and animals) the
  synsets of its person/animal senses and their ancestors below the root, so that a synonym
  ("stargazer" for "astronomer") or a broader noun ("the scientist") can be recognised. The WordNet files come with
  Debian's ``wordnet-base`` package; the licence is ``LICENSE.wordnet`` beside this script.
* ``common_words.txt`` -- lower-case one-word WordNet lemmas of every part of speech (a capitalised
  common word such as "Fog" or "Baker" is a name only where the sentence frames it as one).
* ``wordnet_verbs.txt`` -- lower-case one-word WordNet verb lemmas (their base forms): a word after a
  plural subject ("the two travellers camp under an oak") is its verb only if it can be one.
* ``wordnet_animate_verbs.txt`` -- verbs whose subject is a living being: the most frequent sense of
  the verb is filed under body, cognition, communication, competition, consumption, emotion,
  perception or social verbs (or under motion or contact verbs, as "kneel") and none of its sentence
  frames has a thing as subject ("Something ----s"). "The page bows" is a person; "the page turns"
  (a motion verb that things do too) is not.
* ``wordnet_things.txt`` -- one-word nouns whose most frequent sense is a place, a structure or an
  artifact and that are neither adjectives nor adverbs: after a singular character noun such a word
  is the head of the compound ("the tiger enclosure"), unless it is also a verb that can be read as
  the noun's verb.
* ``wordnet_people_groups.txt`` -- collective nouns of people ("crew", "choir", "squad", "quartet"): the
  most frequent sense is a crew, team, military unit, family, gang, clique or musical organisation (see
  `build_people_groups`). Built from WordNet 3.1's files (the same format; the roots are found by
  their words, not by offsets, so 3.0 gives nearly the same list).
* ``first_names.tsv`` -- given names with their usual gender (m, f or u), from ``nam_dict.txt``
  (Joerg Michael's name dictionary, GNU FDL 1.2, shipped in the PyPI package ``gender-guesser``);
  see ``LICENSE.names``.

The tables are data, not code: the agent reads them with importlib.resources (``resources.py``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
# root synsets (WordNet 3.0 offsets) of the classes; the first match along a hypernym path wins
ROOTS = {
    "W": {"03051540", "03502509", "02728440"},  # clothing, headdress, apparel
    "R": {"02761392"},  # robot, automaton
    "G": {"03014440", "03414162"},  # chessman, game equipment
    "C": {"09504135", "09483738"},  # spiritual being, imaginary being
    "V": {"04524313"},  # vehicle
    "P": {"00007846"},  # person
    "A": {"00015388"},  # animal
    "L": {"00027167", "04341686"},  # location, structure
}
ORDER = "WRGCVPAL"
ANIMATE = set("PACVRG")


def read_wordnet(folder: Path) -> tuple[dict[str, list[str]], dict[str, tuple[int, list[str]]]]:
    """(lemma -> synset offsets in sense order, offset -> (lexicographer file, hypernym offsets)).

    Only senses where WordNet writes the lemma in lower case count: "Begin" the statesman does not
    make "begin" a person noun."""
    synsets: dict[str, tuple[int, list[str]]] = {}
    lower_senses: set[tuple[str, str]] = set()
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split(" | ")[0].split()
        offset, lexfile, w_cnt = parts[0], int(parts[1]), int(parts[3], 16)
        for j in range(w_cnt):
            word = parts[4 + 2 * j].split("(")[0]
            if word == word.lower():
                lower_senses.add((word, offset))
        k = 4 + 2 * w_cnt
        p_cnt = int(parts[k])
        hypers = []
        for j in range(p_cnt):
            sym, target = parts[k + 1 + 4 * j], parts[k + 2 + 4 * j]
            if sym in ("@", "@i"):
                hypers.append(target)
        synsets[offset] = (lexfile, hypers)
    index: dict[str, list[str]] = {}
    for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        lemma, n_senses = parts[0], int(parts[2])
        offsets = [off for off in parts[-n_senses:] if (lemma, off) in lower_senses]
        if offsets:
            index[lemma] = offsets
    return index, synsets


def classify(offset: str, synsets: dict[str, tuple[int, list[str]]], memo: dict[str, str]) -> str:
    """The class letter of one synset: the first root class reached through its hypernyms."""
    if offset in memo:
        return memo[offset]
    memo[offset] = "O"
    found: set[str] = set()
    stack, seen = [offset], set()
    while stack:
        s = stack.pop()
        if s in seen:
            continue
        seen.add(s)
        for letter, roots in ROOTS.items():
            if s in roots:
                found.add(letter)
        stack.extend(synsets.get(s, (0, []))[1])
    lexfile = synsets.get(offset, (0, []))[0]
    first = next((x for x in ORDER if x in found), None)
    if first is None:
        first = "X" if lexfile in (6, 17) else "O"  # noun.artifact, noun.object
    memo[offset] = first
    return first


def ancestors_of(offset: str, synsets: dict[str, tuple[int, list[str]]]) -> set[str]:
    """Hypernyms of a person/animal synset below the class roots (the roots themselves say nothing)."""
    roots = ROOTS["P"] | ROOTS["A"]
    out: set[str] = set()
    stack = list(synsets.get(offset, (0, []))[1])
    while stack:
        s = stack.pop()
        if s in out or s in roots:
            continue
        out.add(s)
        stack.extend(synsets.get(s, (0, []))[1])
    return out


def comparative(lemma: str, adjectives: dict[str, int]) -> bool:
    """"closer", "bigger": the comparative of a common (polysemous, 3+ senses) adjective that WordNet
    also lists as a person noun; rare one-sense adjectives ("cod") do not make "coder" a comparative."""
    if not lemma.endswith("er") or len(lemma) < 5:
        return False
    stem = lemma[:-2]
    bases = [stem, stem + "e", stem[:-1] if stem[-1] == stem[-2] else "", stem[:-1] + "y" if stem.endswith("i") else ""]
    return any(adjectives.get(b, 0) >= 3 for b in bases if b)


def build_wordnet(folder: Path, out: Path) -> int:
    index, synsets = read_wordnet(folder)
    memo: dict[str, str] = {}
    adjectives = {line.split()[0]: int(line.split()[2])
                  for line in (folder / "index.adj").read_text(encoding="latin-1").splitlines()
                  if not line.startswith(" ")}
    rows = []
    for lemma, offsets in sorted(index.items()):
        if not re.fullmatch(r"[a-z]+(-[a-z]+)?", lemma):
            continue
        letters = []
        own: list[str] = []
        for off in offsets:
            c = classify(off, synsets, memo)
            if c not in letters:
                letters.append(c)
            if c in "PA" and len(own) < 2:
                own.append(off)
        if ANIMATE & set(letters) or "W" in letters[:2]:
            ancestors = sorted(set().union(*(ancestors_of(off, synsets) for off in own))) if own else []
            adjective = lemma in adjectives or comparative(lemma, adjectives)
            rows.append(f"{lemma}\t{''.join(letters)}{'|a' if adjective else ''}\t"
                        f"{','.join(own)}\t{','.join(a.lstrip('0') for a in ancestors)}")
    header = "# lemma\tclasses[|a]\tperson/animal synsets\tancestor synsets (see build_tables.py)\n"
    out.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def _lower_lemmas(folder: Path, parts_of_speech: tuple[str, ...]) -> set[str]:
    """The one-word lemmas (two letters or more) WordNet writes in lower case, in these data files."""
    words: set[str] = set()
    for pos in parts_of_speech:
        for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split(" | ")[0].split()
            for j in range(int(parts[3], 16)):
                w = parts[4 + 2 * j].split("(")[0]
                if re.fullmatch(r"[a-z]+", w) and len(w) > 1:
                    words.add(w)
    return words


def build_common_words(folder: Path, out: Path) -> int:
    """One-word lemmas WordNet writes in lower case: a capitalised one of these is a name only in a name's frame."""
    words = _lower_lemmas(folder, ("noun", "verb", "adj", "adv"))
    out.write_text("# lower-case one-word WordNet lemmas (see build_tables.py)\n" + "\n".join(sorted(words)) + "\n",
                   encoding="utf-8")
    return len(words)


def build_verbs(folder: Path, out: Path) -> int:
    """One-word verb lemmas WordNet writes in lower case (base forms only)."""
    words = _lower_lemmas(folder, ("verb",))
    header = "# lower-case one-word WordNet verb lemmas (see build_tables.py)\n"
    out.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    return len(words)


# verb lexicographer files (WordNet lexnames) of living subjects, and frames with a thing as subject
ANIMATE_VERB_FILES = {29, 31, 32, 33, 34, 37, 39, 41}  # body, cognition, communication, competition, ...
BODILY_VERB_FILES = {35, 38}  # contact, motion: living subjects only where no frame has a thing subject
THING_SUBJECT_FRAMES = {1, 3, 4, 5, 6, 10, 11, 12, 34, 35}


def build_animate_verbs(folder: Path, out: Path) -> int:
    """Verbs whose most frequent sense needs a living subject (lexicographer file and sentence frames)."""
    synsets: dict[str, tuple[int, list[str], dict[int, set[int]]]] = {}
    for line in (folder / "data.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split(" | ")[0].split()
        offset, lexfile, w_cnt = parts[0], int(parts[1]), int(parts[3], 16)
        words = [parts[4 + 2 * j].split("(")[0] for j in range(w_cnt)]
        k = 4 + 2 * w_cnt
        k += 1 + 4 * int(parts[k])
        frames: dict[int, set[int]] = {}
        if k < len(parts):
            for j in range(int(parts[k])):
                frames.setdefault(int(parts[k + 3 + 3 * j], 16), set()).add(int(parts[k + 2 + 3 * j]))
        synsets[offset] = (lexfile, words, frames)
    verbs: set[str] = set()
    for line in (folder / "index.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        lemma = parts[0]
        if not re.fullmatch(r"[a-z]+", lemma):
            continue
        lexfile, words, frames = synsets[parts[-int(parts[2])]]
        own = frames.get(0, set()).union(*(frames.get(j + 1, set()) for j, w in enumerate(words) if w == lemma))
        if own & THING_SUBJECT_FRAMES or not own:
            continue
        if lexfile in ANIMATE_VERB_FILES or lexfile in BODILY_VERB_FILES:
            verbs.add(lemma)
    header = "# verbs whose most frequent sense needs a living subject (see build_tables.py)\n"
    out.write_text(header + "\n".join(sorted(verbs)) + "\n", encoding="utf-8")
    return len(verbs)


def build_things(folder: Path, out: Path) -> int:
    """Nouns whose most frequent sense is a place, structure or artifact (and that are no adjective or
    adverb: "the man inside", "the dog outside")."""
    index, synsets = read_wordnet(folder)
    others: set[str] = set()
    for pos in ("adj", "adv"):
        for line in (folder / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if not line.startswith(" "):
                others.add(line.split()[0])
    memo: dict[str, str] = {}
    words = sorted(lemma for lemma, offsets in index.items()
                   if re.fullmatch(r"[a-z]+", lemma) and len(lemma) > 2 and lemma not in others
                   and classify(offsets[0], synsets, memo) in ("L", "X"))
    header = "# nouns whose most frequent sense is a place, structure or artifact (see build_tables.py)\n"
    out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    return len(words)


# collectives of people, named by (word, word of its direct hypernym) so that the roots hold in WordNet 3.0 and
# 3.1 alike: a noun whose most frequent sense falls under one of them names a group of people that acts together
PEOPLE_GROUP_ROOTS = (("crew", "unit"), ("team", "unit"), ("military_unit", "unit"), ("family", "unit"),
                      ("gang", "association"), ("set", "social_group"), ("musical_organization", "organization"))
#: a noun counts when at least this share of its sense-tagged uses (index.sense) are people-group senses:
#: below it the noun usually means something else ("club" the stick, "division" the act of dividing)
PEOPLE_GROUP_SHARE = 0.5
#: ... and when its object senses (noun.artifact) have less than this share: "battery" is more often the
#: cell than the unit of guns, "orchestra" rarely the pit (an untagged noun: no object among its first two senses)
PEOPLE_GROUP_OBJECT_SHARE = 0.25
ARTIFACT_FILE = 6
ACT_FILE = 4  # noun.act: a noun that also names an activity ("a duet" is sung, "on patrol") is not counted


def _sense_counts(folder: Path) -> dict[tuple[str, str], int]:
    """(lemma, synset offset) -> how often that noun sense is tagged in WordNet's sense-tagged corpus."""
    counts: dict[tuple[str, str], int] = {}
    for line in (folder / "index.sense").read_text(encoding="latin-1").splitlines():
        key, offset, _number, tagged = line.split()
        lemma, _, rest = key.partition("%")
        if rest.startswith("1:"):
            counts[(lemma, offset)] = int(tagged)
    return counts


def build_people_groups(folder: Path, out: Path) -> int:
    """Collective nouns of people ("crew", "choir", "squad", "quintet"): the most frequent sense falls under
    a crew, team, military unit, family, gang, clique or musical organisation, or (for a count word such
    as "quartet", whose first sense is a number) any sense is a musical organisation ("a duet" is sung: its
    first sense is the piece);
    and most of the noun's tagged uses are such senses."""
    index, synsets = read_wordnet(folder)
    words_of: dict[str, list[str]] = {}
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if not line.startswith(" "):
            parts = line.split(" | ")[0].split()
            words_of[parts[0]] = [parts[4 + 2 * j].split("(")[0].lower() for j in range(int(parts[3], 16))]

    def named(word: str, parent: str) -> set[str]:
        return {o for o, ws in words_of.items() if word in ws
                and any(parent in words_of.get(h, []) for h in synsets.get(o, (0, []))[1])}

    def upward(offset: str) -> set[str]:
        out_: set[str] = set()
        stack = [offset]
        while stack:
            s = stack.pop()
            if s not in out_:
                out_.add(s)
                stack.extend(synsets.get(s, (0, []))[1])
        return out_

    roots = set().union(*(named(w, p) for w, p in PEOPLE_GROUP_ROOTS))
    music = named("musical_organization", "organization")
    counted = {o for o, ws in words_of.items() if "digit" in ws}
    counts = _sense_counts(folder)
    adjectives = {line.split()[0] for line in (folder / "index.adj").read_text(encoding="latin-1").splitlines()
                  if not line.startswith(" ")}
    words = []
    for lemma, offsets in index.items():
        if not re.fullmatch(r"[a-z]+", lemma) or lemma in adjectives:
            continue  # "five", "indie": an adjective too is mostly a modifier
        first = upward(offsets[0])
        group_senses = [o for o in offsets if upward(o) & (roots | music)]
        if not (first & roots or group_senses and first & counted):
            continue
        total = sum(counts.get((lemma, o), 0) for o in offsets)
        objects = [o for o in offsets if synsets.get(o, (0, []))[0] == ARTIFACT_FILE]
        if any(synsets.get(o, (0, []))[0] == ACT_FILE for o in offsets):
            continue
        group_uses = sum(counts.get((lemma, o), 0) for o in group_senses)
        if first & roots and total and group_uses < PEOPLE_GROUP_SHARE * total:
            continue
        if total and sum(counts.get((lemma, o), 0) for o in objects) >= PEOPLE_GROUP_OBJECT_SHARE * total \
                or not total and set(objects) & set(offsets[:2]):
            continue
        words.append(lemma)
    header = "# collective nouns of people (see build_tables.py)\n"
    out.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    return len(words)


def build_names(nam_dict: Path, out: Path) -> int:
    """Given names -> m/f/u; a name used for both genders in the dictionary becomes u."""
    genders: dict[str, set[str]] = {}
    for line in nam_dict.read_text(encoding="latin-1").splitlines():
        if line.startswith("#") or len(line) < 30:
            continue
        code, name = line[:2].strip(), line[3:29].strip()
        if not re.fullmatch(r"[A-Z][a-z]+(-[A-Z][a-z]+)?", name):
            continue
        g = {"M": "m", "1M": "m", "?M": "m", "F": "f", "1F": "f", "?F": "f", "?": "u"}.get(code)
        if g is None:
            continue
        genders.setdefault(name.lower(), set()).add(g)
    rows = []
    for name in sorted(genders):
        gs = genders[name]
        rows.append(f"{name}\t{gs.pop() if len(gs) == 1 else 'u'}")
    out.write_text("# given name\tgender m|f|u (see build_tables.py)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--names", type=Path, help="nam_dict.txt of the gender-guesser package (names are kept "
                    "as they are without it)")
    args = ap.parse_args()
    n = build_wordnet(args.wordnet, HERE / "wordnet_nouns.tsv")
    c = build_common_words(args.wordnet, HERE / "common_words.txt")
    v = build_verbs(args.wordnet, HERE / "wordnet_verbs.txt")
    a = build_animate_verbs(args.wordnet, HERE / "wordnet_animate_verbs.txt")
    t = build_things(args.wordnet, HERE / "wordnet_things.txt")
    g = build_people_groups(args.wordnet, HERE / "wordnet_people_groups.txt")
    k = build_names(args.names, HERE / "first_names.tsv") if args.names else 0
    print(f"wordnet_nouns.tsv: {n} nouns; common_words.txt: {c} words; wordnet_verbs.txt: {v} verbs; "
          f"wordnet_animate_verbs.txt: {a} verbs; wordnet_things.txt: {t} nouns; "
          f"wordnet_people_groups.txt: {g} nouns; first_names.tsv: {k} names")


if __name__ == "__main__":
    main()
