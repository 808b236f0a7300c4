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


def test_points_are_what_the_computed_time_supports(package):
    """Eight modules, about half an hour each by the time model; the profiles claim no more than that supports."""
    minutes = [m["minutes"] for m in package.modules]
    assert len(minutes) == 8 and all(25 <= m <= 45 for m in minutes), minutes
    assert package.course["languages"] == ["de", "en"]
    profiles = {a["key"]: a for a in package.course["accreditations"]}
    assert profiles["de-kategorie-d"]["points"] == sum(minutes) // 45 == 5
    assert profiles["us-ce-hours"]["points"] <= sum(minutes) / 60
    assert (
        6 * profiles["us-ce-hours"]["points"]
        <= profiles["us-ce-hours"]["draw"]
        <= 8 * profiles["us-ce-hours"]["points"]
    )
    assert profiles["de-kategorie-d"]["min_active_share"] == 0.75


def test_no_placeholder_people(package):
    """The scientific lead belongs to an accreditation, not to the package; authors are named as what they are."""
    assert "scientific_lead" not in package.course
    assert [a["name"] for a in package.course["signoff"]["authors"]] == ["Haltung-Projekt, Redaktion des Kurses"]


# Topic: (a source its teaching text cites, the vignette and decision node that exercise it, final-item prefix)
TOPICS = {
    "legal notice (§ 5 DDG)": ("ddg-5", "agency-offer", "bio-decide", "ft-imprint-"),
    "§ 9 HWG remote treatment": ("hwg-9", "agency-offer", "bio-decide", "ft-hwg9-"),
    "messengers and secure channels": ("bdsg-22", "dm-enquiry", "wa-decide", "ft-msg-"),
    "AI chatbots and AI-written posts": ("ai-act", "waiting-list-post", None, "ft-ai-"),
    "minors and child protection (§ 4 KKG)": ("kkg-4", "parent-dm", "risk-decide", "ft-minor-"),
    "rating-portal rulings": ("bgh-portal2022", "one-star-review", "portal-decide", "ft-portal-"),
    "2022 UWG influencer labelling": ("uwg-5a", "sponsored-reel", "licence-decide", "ft-uwg-"),
}


@pytest.mark.parametrize("topic", TOPICS)
def test_each_added_topic_is_taught_exercised_and_assessed(package, topic):
    """Cited in teaching text in both languages, decided in a vignette, and assessed by at least two final items."""
    key, vignette, node, prefix = TOPICS[topic]
    texts = [s for m in package.modules for s in m["steps"] if s["kind"] == "text"]
    for language in ("de", "en"):
        assert any(f"[{key}]" in s["body"][language] for s in texts), (topic, language)
    step = next(s for _m, s in vignette_steps(package) if s["slug"] == vignette)
    decisions = [n for n, spec in step["nodes"].items() if spec["type"] == "decision"]
    assert len(decisions) >= 2 and (node is None or node in decisions), (topic, decisions)
    assert len([i for i in package.items if i["id"].startswith(prefix)]) >= 2, topic


def test_a_third_of_vignettes_ask_two_decisions_and_half_show_a_mockup(package):
    steps = [s for _m, s in vignette_steps(package)]
    two = [s for s in steps if sum(n["type"] == "decision" for n in s["nodes"].values()) >= 2]
    shown = [s for s in steps if any(n.get("mockup") for n in s["nodes"].values())]
    assert 3 * len(two) >= len(steps), [s["slug"] for s in two]
    assert 2 * len(shown) >= len(steps), [s["slug"] for s in shown]


def test_sources_are_primary(package):
    """No aggregator copies (the validator refuses them); at most two sources lack a DOI or official address."""
    assert not [w for w in package.warnings if "reference" in w.message and "no DOI" not in w.message]
    undocumented = [w.message for w in package.warnings if "no DOI" in w.message]
    assert len(undocumented) <= 2, undocumented
    assert len(package.course["references"]) >= 40


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
