"""Quality rules of the flagship course, checked on the package itself."""

import itertools
import re
from pathlib import Path

import pytest

from courses import vignettes
from courses.packages.reading import read_package

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
SEED_CONCEPTS = [
    "professional-stance",
    "abstinence",
    "neutrality",
    "narcissistic-pull",
    "autonomy",
    "non-maleficence",
    "beneficence",
    "justice",
]


@pytest.fixture(scope="module")
def package():
    return read_package(FLAGSHIP)


def vignette_steps(package):
    for module in package.modules:
        for step in module["steps"]:
            if step["kind"] == "vignette":
                yield module, step


def tags_of(step) -> set[str]:
    tags = set()
    for node in step["nodes"].values():
        tags.update(node.get("principles", []))
        for option in node.get("options", []):
            tags.update(option.get("principles", []))
    return tags


def test_eight_modules_of_45_minutes_in_two_languages(package):
    """8 modules × 45 minutes = 8 units; German and English everywhere (the validator enforces parallel texts)."""
    assert [m["minutes"] for m in package.modules] == [45] * 8
    assert package.course["languages"] == ["de", "en"]


@pytest.mark.parametrize("concept", SEED_CONCEPTS)
def test_each_seed_concept_is_taught_exercised_and_assessed(package, concept):
    """Taught in a module's text (both languages), exercised by a vignette, assessed by three final items."""
    principle = next(p for p in package.principles if p["slug"] == concept)
    taught = {}
    for language in ("de", "en"):
        stem = principle["name"][language].split()[0].rstrip(",").lower()[:8]
        taught[language] = any(
            stem in step["body"][language].lower()
            for module in package.modules
            for step in module["steps"]
            if step["kind"] == "text"
        )
    assert taught == {"de": True, "en": True}, f"{concept}: name stem not found in teaching text"
    assert any(concept in tags_of(step) for _m, step in vignette_steps(package)), f"{concept}: no vignette"
    assessed = [item["id"] for item in package.items if concept in item["principles"]]
    assert len(assessed) >= 3, f"{concept}: only {assessed}"


def test_bank_covers_the_blueprints_twice_over(package):
    """At least 6 final items per module and a bank at least twice the German draw."""
    per_module = {m["slug"]: 0 for m in package.modules}
    for item in package.items:
        per_module[item["module"]] += 1
    assert min(per_module.values()) >= 6, per_module
    german = next(a for a in package.course["accreditations"] if a["key"] == "de-kategorie-d")
    assert len(package.items) >= 2 * german["draw"]


def test_every_module_has_vignettes_reflection_and_check(package):
    """Each module: objectives, 2–3 vignettes, a reflection prompt and a module check of 3–5 items."""
    for module in package.modules:
        kinds = [s["kind"] for s in module["steps"]]
        assert 2 <= kinds.count("vignette") <= 3, module["slug"]
        assert "reflection" in kinds, module["slug"]
        checks = [s for s in module["steps"] if s["kind"] == "check"]
        assert len(checks) == 1 and 3 <= len(checks[0]["items"]) <= 5, module["slug"]
        assert module["objectives"]["de"] and module["objectives"]["en"]


def test_every_debrief_is_playable(package):
    """From the start, some path of choices reaches each debrief of each vignette."""
    for _module, step in vignette_steps(package):
        graph = {"start": step["start"], "nodes": step["nodes"]}
        assert set(vignettes.debriefs(graph)) <= vignettes.reachable_in_play(graph), step["slug"]


def test_every_option_has_a_rationale_in_both_languages(package):
    """No item, final or formative, lacks a rationale for any option."""
    formative = [i for m in package.modules for i in m["items"]]
    for item in itertools.chain(package.items, formative):
        for option in item["options"]:
            assert option["rationale"]["de"].strip() and option["rationale"]["en"].strip(), item["id"]


def test_teaching_text_cites_the_seed_article(package):
    """The seed article is cited, and no module copies its abstract's sentences."""
    seed = (Path(__file__).resolve().parents[3] / "shared" / "seed").glob("*.txt")
    sentences = [
        s.strip() for path in seed for s in re.split(r"(?<=[.!?])\s+", path.read_text()) if len(s.split()) >= 8
    ]
    texts = " ".join(step["body"]["en"] for m in package.modules for step in m["steps"] if step["kind"] == "text")
    assert "[heimes2023]" in texts
    for sentence in sentences:
        assert sentence not in texts, sentence
