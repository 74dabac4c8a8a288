"""No benchmark prompt text in the code: no 7-word run of a benchmark prompt appears in the code trees.

Hand-written test stories must be made up; rules must be mechanisms, not copies of the stories they
were measured on. Words are lower-case letters, digits and apostrophes, in code and data alike, so
comments, strings and docstrings all count.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import DATA, REPO

BENCHMARKS = ("memflow_interactive_benchmark.jsonl", "narrastream_names_dev.jsonl")
TREES = ("plugins", "memflow_ext", "hooks", "tests", "benchmarks")
SUFFIXES = {".py", ".txt", ".json", ".yaml", ".md", ".toml"}
N = 7
_WORD = re.compile(r"[a-z0-9']+")


def runs(text: str, n: int = N) -> set[str]:
    """Every run of n consecutive words of `text` (lower-cased)."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[k:k + n]) for k in range(len(words) - n + 1)}


def benchmark_runs() -> set[str]:
    found = [DATA / name for name in BENCHMARKS if (DATA / name).is_file()]
    if not found:
        pytest.skip(f"benchmark prompt files not found in {DATA} (set IAMFLOW_DATA)")
    out: set[str] = set()
    for path in found:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for prompt in json.loads(line)["prompts"]:
                    out |= runs(prompt)
    return out


def test_the_run_check_finds_a_quote_and_ignores_case_and_punctuation():
    assert "one two three four five six seven" in runs("One, two; three four (five) six seven!")
    assert runs("only six words are in here") == set()


def test_no_benchmark_prompt_text_in_the_code():
    shingles = benchmark_runs()
    hits = []
    for tree in TREES:
        for path in sorted((REPO / tree).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            quoted = runs(path.read_text(encoding="utf-8", errors="replace")) & shingles
            hits += [f"{path.relative_to(REPO)}: {q!r}" for q in sorted(quoted)[:3]]
    assert not hits, "benchmark text quoted in code:\n" + "\n".join(hits[:40])
