"""
How long a module takes a learner, computed from its content (decision 0503).

Reading: silent reading of non-fiction runs at 238 words per minute in English (Brysbaert 2019,
doi:10.1016/j.jml.2019.104047). The same review finds that rates in other languages follow from how many words
a language needs for the same message, so the rate of another language is 238 times the ratio of its words to
the English words of the same package (a German text with 10 % fewer words than its English version is read
at 10 % fewer words per minute). Without an English text every language reads at 238.

Allowances on top of reading: a vignette decision or an answered item (module check, item inside a vignette)
1 minute each for weighing the options; a required reflection step 4 minutes of writing; an image 30 seconds;
a video its ``duration_seconds``. What is counted is what a learner meets on the way to completion: required
steps only; in a vignette, the average over every complete playthrough (every option, and both results of an
embedded item), each playthrough counting node texts, mock-ups, every option of a decision and the feedback of
the one chosen, an embedded item's stem, options and rationales. An optional vignette reflection adds its
prompt, not the writing allowance.

Pure functions over the canonical module dicts; nothing here touches the database.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Any

from courses import vignettes

READING_WPM_EN = 238
DECISION_SECONDS = 60
ITEM_SECONDS = 60
REFLECTION_SECONDS = 240
IMAGE_SECONDS = 30
# A vignette with more playthroughs than this is averaged over the first ones found.
MAX_PLAYTHROUGHS = 2_000

_CITATION = re.compile(r"\[[a-z][a-z0-9-]*\](?![(\[:])")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def count_words(text: str) -> int:
    """Words a reader reads: citation keys and link targets are left out, hyphenated words count once."""
    text = _LINK_TARGET.sub("]", _CITATION.sub(" ", text))
    return len(_WORD.findall(text))


@dataclass
class Tally:
    """Words and allowances of one module in one language; vignette figures are playthrough averages."""

    words: float = 0.0
    decisions: float = 0.0
    items: float = 0.0
    reflections: int = 0
    media_seconds: int = 0
    videos_without_duration: list[str] = field(default_factory=list)

    def add(self, other: "Tally", weight: float = 1.0) -> None:
        self.words += other.words * weight
        self.decisions += other.decisions * weight
        self.items += other.items * weight
        self.reflections += other.reflections
        self.media_seconds += other.media_seconds

    def allowance_seconds(self) -> float:
        return (
            self.decisions * DECISION_SECONDS
            + self.items * ITEM_SECONDS
            + self.reflections * REFLECTION_SECONDS
            + self.media_seconds
        )


@dataclass
class Estimate:
    """The time estimate of a package: reading rates per language, tallies and minutes per module."""

    rates: dict[str, float]
    tallies: dict[str, dict[str, Tally]]  # module slug -> language -> tally

    def minutes(self, slug: str, language: str) -> int:
        tally = self.tallies[slug][language]
        seconds = tally.words / self.rates[language] * 60 + tally.allowance_seconds()
        return math.ceil(seconds / 60)

    def module_minutes(self, slug: str) -> int:
        """The minutes the module supports: the shortest of its languages, so no edition is overstated."""
        return min(self.minutes(slug, language) for language in self.rates)

    def total_minutes(self) -> int:
        return sum(self.module_minutes(slug) for slug in self.tallies)

    def summary(self) -> dict[str, Any]:
        """What the course information page and the stored manifest show."""
        return {
            "reading_wpm": {language: round(rate) for language, rate in self.rates.items()},
            "modules": {
                slug: {
                    "minutes": self.module_minutes(slug),
                    "by_language": {
                        language: {
                            "minutes": self.minutes(slug, language),
                            "words": round(tally.words),
                            "decisions": round(tally.decisions, 1),
                            "items": round(tally.items, 1),
                            "reflections": tally.reflections,
                            "media_seconds": tally.media_seconds,
                        }
                        for language, tally in by_language.items()
                    },
                }
                for slug, by_language in self.tallies.items()
            },
        }


def estimate(modules: list[dict[str, Any]], languages: list[str]) -> Estimate:
    tallies = {module["slug"]: {lang: module_tally(module, lang) for lang in languages} for module in modules}
    totals = {lang: sum(t[lang].words for t in tallies.values()) for lang in languages}
    english = totals.get("en", 0)
    rates = {
        lang: READING_WPM_EN * totals[lang] / english if english and totals[lang] else float(READING_WPM_EN)
        for lang in languages
    }
    return Estimate(rates=rates, tallies=tallies)


def _words(value: Any, language: str) -> int:
    """Words of a localized text (or list of texts) in one language; anything else counts nothing."""
    if isinstance(value, dict):
        text = value.get(language)
        if isinstance(text, list):
            return sum(count_words(t) for t in text if isinstance(t, str))
        return count_words(text) if isinstance(text, str) else 0
    return 0


def module_tally(module: dict[str, Any], language: str) -> Tally:
    items = {item["id"]: item for item in module.get("items") or []}
    tally = Tally()
    for step in module["steps"]:
        if not step.get("required", True):
            continue
        tally.words += _words(step.get("title"), language)
        kind = step["kind"]
        if kind == "text":
            tally.words += _words(step.get("body"), language)
        elif kind == "media":
            tally.words += _words(step.get("caption"), language)
            if step.get("image"):
                tally.media_seconds += IMAGE_SECONDS
            elif step.get("video"):
                if step.get("duration_seconds"):
                    tally.media_seconds += int(step["duration_seconds"])
                else:
                    tally.videos_without_duration.append(step["slug"])
        elif kind == "reflection":
            tally.words += _words(step.get("prompt"), language)
            tally.reflections += 1
        elif kind == "check":
            for item_id in step.get("items") or []:
                if item_id in items:
                    tally.words += _item_words(items[item_id], language)
                    tally.items += 1
        elif kind == "vignette":
            tally.words += _words(step.get("reflection"), language)
            tally.add(vignette_tally(step, items, language))
    return tally


def _item_words(item: dict[str, Any], language: str) -> int:
    options = item.get("options") or []
    return _words(item.get("stem"), language) + sum(
        _words(o.get("text"), language) + _words(o.get("rationale"), language) for o in options
    )


def _mockup_words(mockup: dict[str, Any] | None, language: str) -> int:
    if not mockup:
        return 0
    words = _words(mockup.get("label"), language)
    for entry in mockup.get("entries") or []:
        words += count_words(str(entry.get("author", "")))
        words += sum(_words(entry.get(key), language) for key in ("time", "text", "status"))
    return words


def playthroughs(graph: dict[str, Any]) -> list[dict[str, vignettes.Answer]]:
    """Every complete path through a vignette (up to ``MAX_PLAYTHROUGHS``), as the answers given on it."""
    finished: list[dict[str, vignettes.Answer]] = []
    frontier: list[dict[str, vignettes.Answer]] = [{}]
    while frontier and len(finished) < MAX_PLAYTHROUGHS:
        path = frontier.pop()
        state = vignettes.walk(graph, path)
        if state.finished:
            finished.append(path)
        if state.pending is None:
            continue
        node = graph["nodes"][state.pending]
        if node["type"] == "decision":
            answers = [vignettes.Answer(o["id"]) for o in node["options"]]
        else:
            answers = [vignettes.Answer("correct", correct=True), vignettes.Answer("wrong", correct=False)]
        frontier.extend({**path, state.pending: answer} for answer in reversed(answers))
    return finished


def vignette_tally(step: dict[str, Any], items: dict[str, dict[str, Any]], language: str) -> Tally:
    """The average tally over the vignette's complete playthroughs."""
    graph = {"start": step["start"], "nodes": step["nodes"]}
    paths = playthroughs(graph)
    average = Tally()
    for path in paths:
        one = Tally()
        for node_id in vignettes.walk(graph, path).visited:
            node = graph["nodes"][node_id]
            one.words += _words(node.get("text"), language) + _mockup_words(node.get("mockup"), language)
            if node["type"] == "decision":
                options = node.get("options") or []
                chosen: dict[str, Any] = next((o for o in options if o["id"] == path[node_id].option), {})
                one.words += sum(_words(o.get("label"), language) for o in options)
                one.words += _words(chosen.get("feedback"), language)
                one.decisions += 1
            elif node.get("item") in items:
                one.words += _item_words(items[node["item"]], language)
                one.items += 1
        average.add(one, 1 / len(paths))
    return average
