"""Score the agent's entity IDs on a labelled story file (the format of entity_ids_dev.jsonl).

    python benchmarks/entity_ids.py --data ../shared/data/entity_ids_dev.jsonl --backend rules \
        --json entity_ids.json [--predictions pred.jsonl] [--swap-nouns SEED] [--by-style]

Any valid story file works: `source_line` is optional (a story without one is numbered by its
0-based line; a story with `"source_line": null` is shown by its line in the table and keeps null
in `--predictions` and the report), stories may have any number of prompts, and a malformed line
stops the run with a message naming the file and its 1-based line number (exit status 2).
`--swap-nouns SEED` replaces each story's subject nouns by ordinary nouns of the same class that
no word list of the agent contains (benchmarks/data/swap_nouns.json), to measure how the agent
reads words it was not built on. The report gives `ms_per_prompt_median` and `ms_per_prompt_max`
of the agent, and apart from them `load_ms`, the one-time load of its lexical resources.
`--by-style` adds a table per value of the stories' optional `style` field and the JSON key
`by_style` (stories without one are grouped under NO_STYLE).

Metric (the data README's): per story, a one-to-one map from predicted IDs to gold IDs that
maximises co-occurrence (Hungarian, scipy.optimize.linear_sum_assignment); per-prompt presence
precision/recall/F1 micro-averaged over all (story, prompt) pairs (macro per story reported too);
identity consistency = fraction of gold entities seen in >= 2 prompts whose mapped predicted ID is
present in every prompt where they appear. `failure_kinds` (per story, per style and overall) says how each
inconsistent entity failed (`FAILURE_KINDS`): what to work on next, without reading the stories.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from memflow_ext.io_utils import atomic_write_json, atomic_write_text  # noqa: E402
from plugins.agent import AgentConfig, EntityAgent, resources  # noqa: E402
from plugins.agent.config import LINKERS  # noqa: E402


class StoryFileError(ValueError):
    """A line of a story file is not a valid story; the message starts with FILE:LINE."""


def _check_story(d: Any) -> str | None:
    """Why `d` is not a valid story, or None."""
    if not isinstance(d, dict):
        return "a story must be a JSON object"
    prompts = d.get("prompts")
    if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
        return "'prompts' must be a non-empty list of strings"
    line = d.get("source_line")
    if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
        return "'source_line' must be an integer or null"
    style = d.get("style")
    if "style" in d and (not isinstance(style, str) or not style.strip()):
        return "'style' must be a non-empty string"
    entities = d.get("entities", [])
    if not isinstance(entities, list):
        return "'entities' must be a list"
    for e in entities:
        if not isinstance(e, dict) or "id" not in e:
            return "every entity needs an 'id'"
        apps = e.get("appearances", {})
        if not isinstance(apps, dict):
            return f"entity {e.get('id')}: 'appearances' must be an object"
        for k in apps:
            if not str(k).isdigit() or int(k) >= len(prompts):
                return f"entity {e.get('id')}: appearance in prompt {k!r}, but the story has {len(prompts)} prompts"
    return None


def load_stories(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Every story of a JSONL file; a missing `source_line` defaults to the story's 0-based line number,
    an explicit null stays null. `line` is the 0-based line, the number shown for a story without one.

    A malformed line raises StoryFileError naming the file and its 1-based line number.
    """
    stories = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise StoryFileError(f"{path}:{n + 1}: not valid JSON ({e.msg})") from None
            why = _check_story(d)
            if why is not None:
                raise StoryFileError(f"{path}:{n + 1}: {why}")
            d.setdefault("source_line", n)
            d.setdefault("entities", [])
            d["line"] = n
            stories.append(d)
    return stories


SWAP_FILE = REPO / "benchmarks" / "data" / "swap_nouns.json"
_SWAP_CLASSES = {"occupation": "person", "epithet": "person", "species": "animal"}


def swap_nouns(stories: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Copies of `stories` whose subject head nouns (the last word of each gold entity's name, when the
    agent reads it as an occupation or an animal species) are replaced by ordinary nouns of the same class
    from SWAP_FILE, the same noun for every occurrence in a story (plural -s kept, "a"/"an" fixed)."""
    import random
    import re

    from plugins.agent.nouns import noun_info
    from plugins.agent.reader import parse

    pool = json.loads(SWAP_FILE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    out = []
    for story in stories:
        heads: dict[str, str] = {}
        used: set[str] = set()
        for e in story.get("entities", []):
            words = re.findall(r"[A-Za-z]+", str(e.get("name", "")))
            if not words:
                continue
            head = parse(" ".join(words))[-1].lemma_.lower()  # the head noun's singular ("nurses" -> "nurse")
            info = noun_info(head)
            cls = _SWAP_CLASSES.get(info.category) if info is not None else None
            if cls is None or head in heads:
                continue
            choices = [w for w in pool[cls] if w not in used]
            if choices:
                heads[head] = rng.choice(choices)
                used.add(heads[head])
        prompts = list(story["prompts"])
        for head, new in heads.items():
            pattern = re.compile(rf"\b(?:(an?|An?)\s+((?:[\w-]+,?\s+){{0,3}}?))?({head})(s|es)?\b", re.IGNORECASE)

            def repl(m: re.Match, new: str = new) -> str:
                word = new.capitalize() if m.group(3)[0].isupper() else new
                plural = "s" if m.group(4) else ""
                if m.group(1) is None:
                    return word + plural
                article = m.group(1)
                first = (m.group(2) or word).lstrip()
                a = "an" if first[:1].lower() in "aeiou" else "a"
                a = a.capitalize() if article[0].isupper() else a
                return f"{a} {m.group(2) or ''}{word}{plural}"

            prompts = [pattern.sub(repl, p) for p in prompts]
        out.append({**story, "prompts": prompts, "swapped": heads})
    return out


def gold_sets(story: dict[str, Any]) -> list[set[int]]:
    sets: list[set[int]] = [set() for _ in story["prompts"]]
    for e in story["entities"]:
        for k in e.get("appearances", {}):
            sets[int(k)].add(int(e["id"]))
    return sets


def score_story(gold: list[set[int]], pred: list[set[int]]) -> dict[str, Any]:
    """Hungarian map, presence counts and consistency for one story (any number of prompts)."""
    from scipy.optimize import linear_sum_assignment

    g_ids = sorted(set().union(*gold)) if gold else []
    p_ids = sorted(set().union(*pred)) if pred else []
    mapping: dict[int, int] = {}
    if g_ids and p_ids:
        c = np.zeros((len(g_ids), len(p_ids)))
        for gs, ps in zip(gold, pred, strict=True):
            for g in gs:
                for p in ps:
                    c[g_ids.index(g), p_ids.index(p)] += 1
        rows, cols = linear_sum_assignment(-c)
        for r, k in zip(rows, cols, strict=True):
            if c[r, k] > 0:
                mapping[p_ids[k]] = g_ids[r]
    tp = fp = fn = 0
    for gs, ps in zip(gold, pred, strict=True):
        mapped = {mapping[p] for p in ps if p in mapping}
        tp += len(mapped & gs)
        fp += sum(1 for p in ps if p not in mapping or mapping[p] not in gs)
        fn += len(gs - mapped)
    inverse = {g: p for p, g in mapping.items()}
    multi = [g for g in g_ids if sum(1 for gs in gold if g in gs) >= 2]
    consistent = 0
    failures = []
    for g in multi:
        q = inverse.get(g)
        if q is not None and all(q in ps for gs, ps in zip(gold, pred, strict=True) if g in gs):
            consistent += 1
        else:
            failures.append(g)
    return {"tp": tp, "fp": fp, "fn": fn, "multi": len(multi), "consistent": consistent, "mapping": mapping,
            "inconsistent_gold_ids": failures}


NO_STYLE = "(no style)"
#: how an inconsistent gold entity fails, in a prompt where it appears without its mapped id (an entity counts once
#: per kind it shows): "split" an id mapped to no gold entity is there instead (a new id for it); "confused" the id
#: of a gold entity absent from that prompt is there; "missed" neither (its mention was not found, or was taken
#: by another entity of the prompt); "merged" no predicted id maps to it at all (it shares another entity's id)
FAILURE_KINDS = ("split", "confused", "missed", "merged")


def failure_kinds(gold: list[set[int]], pred: list[set[int]], scored: dict[str, Any]) -> dict[str, int]:
    """How many of the story's inconsistent gold entities fail in each way of `FAILURE_KINDS`."""
    mapping: dict[int, int] = scored["mapping"]
    inverse = {g: p for p, g in mapping.items()}
    counts = dict.fromkeys(FAILURE_KINDS, 0)
    for g in scored["inconsistent_gold_ids"]:
        q = inverse.get(g)
        if q is None:
            counts["merged"] += 1
            continue
        kinds = set()
        for gs, ps in zip(gold, pred, strict=True):
            if g not in gs or q in ps:
                continue
            if any(p not in mapping for p in ps):
                kinds.add("split")
            elif any(mapping[p] not in gs for p in ps):
                kinds.add("confused")
            else:
                kinds.add("missed")
        for k in kinds:
            counts[k] += 1
    return counts


def _sum_kinds(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {k: sum(row["failure_kinds"][k] for row in rows) for k in FAILURE_KINDS}


def display_number(story: dict[str, Any]) -> int:
    """The number a story is shown by: its source_line, or its 0-based line where that is null."""
    return story["source_line"] if story["source_line"] is not None else story["line"]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(data_path: str | os.PathLike, backend: str = "rules", predictions_path: str | os.PathLike | None = None,
             agent_config: dict[str, Any] | None = None, quiet: bool = True,
             swap_seed: int | None = None, by_style: bool = False,
             explain_out: list[str] | None = None) -> dict[str, Any]:
    """Run the agent on every story of `data_path` and score it; returns the report dict
    (with `by_style`, the scores per value of the stories' `style` field too).

    The one-time load of the agent's lexical resources is timed apart (`load_ms`), so that the
    per-prompt times measure reading prompts only. `sieve_links` counts, per sieve of the rules
    backend, the mentions it linked ("new": a mention that started an entity); `explain_out`, when
    given, receives one line per mention: story:prompt, the phrase, the sieve and the entity ids."""
    stories = load_stories(data_path)
    if swap_seed is not None:
        stories = swap_nouns(stories, swap_seed)
    cfg = dict(agent_config or {})
    cfg["backend"] = backend
    config = AgentConfig.from_any(cfg)
    resources_ms = resources.load()  # every table this process has read (word lists, WordNet, names)
    t0 = time.perf_counter()
    agent = EntityAgent(config)
    load_ms = resources_ms + (time.perf_counter() - t0) * 1000.0
    rows = []
    preds_out = []
    times: list[float] = []
    fallbacks = 0
    sieve_links: dict[str, int] = {}
    explain: list[str] = []
    TP = FP = FN = MULTI = CONS = 0
    for story in stories:
        agent.reset()
        pred: list[set[int]] = []
        for k, prompt in enumerate(story["prompts"]):
            res = agent.process_prompt(prompt, k)
            pred.append(set(res.entity_ids))
            times.append(res.time_ms)
            fallbacks += res.fallback is not None
            for link in res.links:
                sieve_links[link["sieve"]] = sieve_links.get(link["sieve"], 0) + 1
                target = f"skipped ({link['skip']})" if link.get("skip") else f"-> {link['ids']}"
                explain.append(f"{display_number(story)}:{k} {link['text']!r} [{link['sieve']}] {target}")
        gold = gold_sets(story)
        s = score_story(gold, pred)
        p, r, f = _prf(s["tp"], s["fp"], s["fn"])
        rows.append({"source_line": story["source_line"], "line": story["line"], "shown_as": display_number(story),
                     "style": story.get("style", NO_STYLE), "prompts": len(story["prompts"]), "tp": s["tp"],
                     "fp": s["fp"], "fn": s["fn"], "precision": p, "recall": r, "f1": f,
                     "consistent": s["consistent"], "multi": s["multi"],
                     "inconsistent_gold_ids": s["inconsistent_gold_ids"],
                     "failure_kinds": failure_kinds(gold, pred, s),
                     "predicted": [sorted(x) for x in pred], "gold": [sorted(x) for x in gold]})
        preds_out.append({"source_line": story["source_line"], "predicted": [sorted(x) for x in pred]})
        TP, FP, FN = TP + s["tp"], FP + s["fp"], FN + s["fn"]
        MULTI, CONS = MULTI + s["multi"], CONS + s["consistent"]
    p, r, f = _prf(TP, FP, FN)
    report = {
        "data": str(data_path), "backend": backend, "stories": len(stories),
        "prompts": sum(x["prompts"] for x in rows),
        "presence_precision": p, "presence_recall": r, "presence_f1": f,
        "identity_consistency": CONS / MULTI if MULTI else 1.0,
        "macro_presence_f1": statistics.fmean(x["f1"] for x in rows) if rows else 0.0,
        "tp": TP, "fp": FP, "fn": FN, "multi_prompt_entities": MULTI, "consistent_entities": CONS,
        "agent_ms_per_prompt_mean": statistics.fmean(times) if times else 0.0,
        "agent_ms_per_prompt_median": statistics.median(times) if times else 0.0,
        "agent_ms_per_prompt_max": max(times) if times else 0.0,
        "ms_per_prompt_median": statistics.median(times) if times else 0.0,
        "ms_per_prompt_max": max(times) if times else 0.0,
        "load_ms": load_ms,
        "swap_seed": swap_seed,
        "fallbacks": fallbacks,
        "sieve_links": dict(sorted(sieve_links.items())),
        "failure_kinds": _sum_kinds(rows),
        "per_story": rows,
    }
    if by_style:
        report["by_style"] = style_scores(rows)
    if predictions_path is not None:
        atomic_write_text(predictions_path, "".join(json.dumps(x) + "\n" for x in preds_out))
    if explain_out is not None:
        explain_out.extend(explain)
    if not quiet:
        print(format_table(report))
    return report


def style_scores(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The report's metrics over the stories of each style (in order of first appearance in the file)."""
    out: dict[str, dict[str, Any]] = {}
    for style in dict.fromkeys(row["style"] for row in rows):
        sub = [row for row in rows if row["style"] == style]
        tp, fp, fn = (sum(row[k] for row in sub) for k in ("tp", "fp", "fn"))
        multi, cons = sum(row["multi"] for row in sub), sum(row["consistent"] for row in sub)
        p, r, f = _prf(tp, fp, fn)
        out[style] = {"stories": len(sub), "prompts": sum(row["prompts"] for row in sub),
                      "presence_precision": p, "presence_recall": r, "presence_f1": f,
                      "identity_consistency": cons / multi if multi else 1.0,
                      "tp": tp, "fp": fp, "fn": fn, "multi_prompt_entities": multi, "consistent_entities": cons,
                      "failure_kinds": _sum_kinds(sub)}
    return out


def format_style_table(by_style: dict[str, dict[str, Any]]) -> str:
    width = max([len("style")] + [len(k) for k in by_style])
    lines = [f"{'style':<{width}} {'stories':>7} {'P':>6} {'R':>6} {'F1':>6} {'cons':>6}  failing entities by kind"]
    for style, m in by_style.items():
        cons = f"{m['consistent_entities']}/{m['multi_prompt_entities']}"
        lines.append(f"{style:<{width}} {m['stories']:>7} {m['presence_precision']:6.3f} {m['presence_recall']:6.3f} "
                     f"{m['presence_f1']:6.3f} {m['identity_consistency']:6.3f} ({cons})  {_kinds_text(m)}")
    return "\n".join(lines)


def _kinds_text(m: dict[str, Any]) -> str:
    return " ".join(f"{k} {m['failure_kinds'][k]}" for k in FAILURE_KINDS)


def format_table(report: dict[str, Any]) -> str:
    lines = [f"{'line':>5} {'P':>6} {'R':>6} {'F1':>6} {'cons':>6}  errors"]
    for row in report["per_story"]:
        cons = f"{row['consistent']}/{row['multi']}"
        err = []
        if row["fp"]:
            err.append(f"fp={row['fp']}")
        if row["fn"]:
            err.append(f"fn={row['fn']}")
        if row["inconsistent_gold_ids"]:
            err.append(f"inconsistent gold ids {row['inconsistent_gold_ids']}")
        lines.append(f"{row['shown_as']:>5} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} "
                     f"{cons:>6}  {' '.join(err)}")
    lines.append("-" * 60)
    lines.append(f"stories {report['stories']}  prompts {report['prompts']}  backend {report['backend']}")
    lines.append(f"presence  P {report['presence_precision']:.4f}  R {report['presence_recall']:.4f}  "
                 f"F1 {report['presence_f1']:.4f}  (macro F1 {report['macro_presence_f1']:.4f})")
    lines.append(f"identity consistency {report['identity_consistency']:.4f} "
                 f"({report['consistent_entities']}/{report['multi_prompt_entities']}); failing entities by kind: "
                 f"{_kinds_text(report)}")
    lines.append(f"agent time per prompt: mean {report['agent_ms_per_prompt_mean']:.3f} ms, "
                 f"median {report['agent_ms_per_prompt_median']:.3f} ms, max {report['agent_ms_per_prompt_max']:.3f} ms"
                 f"; fallbacks {report['fallbacks']}; one-time load {report['load_ms']:.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="labelled stories (JSONL, the format of entity_ids_dev.jsonl)")
    ap.add_argument("--backend", default="rules", choices=["rules", "transformers", "openai"])
    ap.add_argument("--json", required=True, help="where to write the report")
    ap.add_argument("--predictions", help="write one line per story: source_line and predicted IDs per prompt")
    ap.add_argument("--model-path", help="agent.model_path (transformers)")
    ap.add_argument("--base-url", help="agent.base_url (openai)")
    ap.add_argument("--model", help="agent.model (openai)")
    ap.add_argument("--max-new-tokens", type=int)
    ap.add_argument("--timeout-s", type=float)
    ap.add_argument("--quiet", action="store_true", help="do not print the per-story table")
    ap.add_argument("--linker", choices=list(LINKERS),
                    help="agent.linker: the rule linker (only 'sieves', the spaCy sieve linker, remains)")
    ap.add_argument("--explain", action="store_true",
                    help="print, per mention, which sieve linked it to which entity (the rules and every fallback)")
    ap.add_argument("--swap-nouns", type=int, metavar="SEED",
                    help="replace each story's subject nouns by ordinary nouns of the same class (seeded)")
    ap.add_argument("--by-style", action="store_true",
                    help="also score each value of the stories' 'style' field apart (JSON key by_style)")
    args = ap.parse_args(argv)
    cfg: dict[str, Any] = {}
    for key in ("model_path", "base_url", "model", "max_new_tokens", "timeout_s", "linker"):
        value = getattr(args, key)
        if value is not None:
            cfg[key] = value
    try:
        explain: list[str] = []
        report = evaluate(args.data, args.backend, args.predictions, cfg, quiet=True, swap_seed=args.swap_nouns,
                          by_style=args.by_style, explain_out=explain if args.explain else None)
    except StoryFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.explain:
        print("\n".join(explain))
    text = format_table(report)
    if args.quiet:
        text = "\n".join(text.splitlines()[-5:])
    if args.by_style:
        text += "\n" + "-" * 60 + "\n" + format_style_table(report["by_style"])
    print(text)
    atomic_write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
