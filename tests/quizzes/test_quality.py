"""The item-quality checker (quizzes.quality): per-item flaws, bank checks, test-wise strategies, thresholds."""

import random

import pytest

from quizzes import quality
from quizzes.quality import items as item_checks
from quizzes.quality import strategies
from quizzes.quality.records import ItemRecord, OptionRecord, ProfileRecord
from quizzes.quality.thresholds import DEFAULTS, ThresholdError, resolve, strictest

MODULES = ("one", "two")


def option(key: str, de: str, en: str | None = None, *, correct: bool = False, line: int = 0) -> OptionRecord:
    return OptionRecord(key, {"de": de, "en": en if en is not None else de}, correct, line)


def single(item_id: str, texts: list[str], key: int, *, module: str = "one", stem: str = "Was ist richtig?", **extra):
    options = tuple(option("abcdef"[n], text, correct=n == key, line=10 + n) for n, text in enumerate(texts))
    return ItemRecord(
        item_id, "final", "single", module, {"de": stem, "en": stem}, options, "pkg/items/x.yaml", 7, **extra
    )


def true_false(item_id: str, statement: str, *, true: bool, module: str = "one") -> ItemRecord:
    options = (option("true", "Richtig", "True", correct=true), option("false", "Falsch", "False", correct=not true))
    return ItemRecord(item_id, "final", "truefalse", module, {"de": statement, "en": statement}, options, "f.yaml", 3)


def multiple(item_id: str, keys: tuple[int, ...], *, module: str = "one", texts=None, scoring="partial") -> ItemRecord:
    texts = texts or [f"Option number {n}" for n in range(5)]
    options = tuple(option("abcde"[n], text, correct=n in keys) for n, text in enumerate(texts))
    stem = {"de": "Welche treffen zu?", "en": "Which apply?"}
    return ItemRecord(item_id, "final", "multiple", module, stem, options, "f.yaml", 5, scoring=scoring)


def balanced_bank(per_module: int = 12) -> list[ItemRecord]:
    """Options of equal length, keys spread over the positions: nothing to exploit."""
    rng = random.Random(4)  # noqa: S311 - a fixed test bank
    bank = []
    for module in MODULES:
        for n in range(per_module):
            texts = [f"Antwort {module}-{n}-{k}" for k in range(4)]
            bank.append(single(f"{module}-{n}", texts, rng.randrange(4), module=module))
    return bank


def cued(bank: list[ItemRecord]) -> list[ItemRecord]:
    """The same bank with every key lengthened."""
    result = []
    for item in bank:
        options = tuple(
            OptionRecord(o.id, {k: v + " – mit ausführlicher Begründung" for k, v in o.text.items()}, o.correct, o.line)
            if o.correct
            else o
            for o in item.options
        )
        result.append(ItemRecord(**{**item.__dict__, "options": options}))
    return result


PROFILE = ProfileRecord("de", draw=20, pass_mark=70, blueprint={"one": 10, "two": 10}, file="pkg/course.yaml", line=30)


def test_key_longer_than_every_distractor_is_a_warning_with_its_place():
    """A key a quarter longer than the longest distractor is named, with file:line and languages."""
    item = single("q", ["kurz", "auch kurz", "eher kurz", "die ausführlich begründete Antwort"], 3)
    (finding,) = item_checks.key_length(item, DEFAULTS)
    assert finding.severity == "warning" and finding.code == "key_longest"
    assert str(finding).startswith("pkg/items/x.yaml:7: warning: final item 'q': the key is longer")
    assert "de " in finding.message and "en " in finding.message


def test_unequal_option_lengths_and_all_of_the_above():
    """Options more than twice as long as the shortest, and an 'all of the above' option, are warned about."""
    item = single("q", ["ja", "eine deutlich längere Antwort", "alle oben genannten", "nein"], 1)
    codes = {f.code for f in item_checks.check_item(item, DEFAULTS)}
    assert {"uneven_lengths", "all_or_none"} <= codes
    (flag,) = item_checks.all_or_none(item)
    assert flag.line == 12  # the option's own line


@pytest.mark.parametrize(
    ("stem", "flagged"),
    [
        ("Welche Aussage trifft nicht zu?", True),
        ("Welche Aussage trifft NICHT zu?", False),
        ("Welche Aussage trifft **nicht** zu?", False),
        ("Sie posten nicht oft. Was tun Sie?", False),  # the negative is in the case, not in the question
    ],
)
def test_negative_stems_need_emphasis(stem, flagged):
    item = single("q", ["eins", "zwei", "drei", "vier"], 0, stem=stem)
    assert bool(item_checks.negative_stem(item)) is flagged


def test_grammatical_cues_article_echo_and_form():
    """'an' fits only the key; only the key repeats two stem words; only the key ends with a full stop."""
    article = ItemRecord(
        "a",
        "final",
        "single",
        "one",
        {"de": "Das ist ein", "en": "A report to the platform is an"},
        (
            option("a", "Wort", "obligation", correct=True),
            option("b", "Wort", "duty"),
            option("c", "Wort", "courtesy"),
        ),
    )
    assert "article 'an'" in item_checks.grammatical_cues(article)[0].message
    echo = single(
        "e",
        ["Das Reel sofort löschen lassen", "Eine Beschwerde abwarten", "Nichts weiter tun", "Später posten"],
        0,
        stem="Ein Reel zeigt eine Patientin. Was tun Sie, solange das Reel online ist – löschen lassen?",
    )
    assert "only the key repeats" in item_checks.grammatical_cues(echo)[0].message
    form = single("f", ["Eins zwei.", "Drei vier", "Fünf sechs", "Sieben acht"], 0)
    assert "ends with '.'" in item_checks.grammatical_cues(form)[0].message


def test_true_false_statement_with_an_absolute_keyed_false():
    item = true_false("tf", "Bewertungen darf man grundsätzlich nie beantworten.", true=False)
    (finding,) = item_checks.cue_words(item)
    assert finding.code == "tf_absolute_false"


def test_item_replaying_a_vignette_decision_is_named():
    """A final item whose options are the decision's options is a replay of the vignette, not a new case."""
    decision = ItemRecord(
        "one/follow/decide",
        "decision",
        "decision",
        "one",
        {"de": "Was tun Sie?", "en": "What do you do?"},
        (
            option("accept", "Die Anfrage annehmen und weiter posten", "Accept the request and keep posting"),
            option("decline", "Die Anfrage ablehnen und in der Stunde ansprechen", "Decline and raise it in session"),
        ),
        "pkg/modules/01.yaml",
        40,
        context={"de": "Eine Patientin folgt Ihnen.", "en": "A patient follows you."},
    )
    replay = single(
        "r",
        [
            "Die Anfrage annehmen und weiter posten",
            "Die Anfrage ablehnen und in der Stunde ansprechen",
            "Den Account löschen",
            "Eine Kollegin fragen",
        ],
        1,
    )
    (finding,) = item_checks.replays(replay, [decision], DEFAULTS)
    assert finding.code == "replays_vignette" and "pkg/modules/01.yaml:40" in finding.message


def test_decision_with_one_option_far_longer_is_warned_without_a_key():
    decision = ItemRecord(
        "m/v/d",
        "decision",
        "decision",
        "one",
        {"de": "Was tun Sie?", "en": "What do you do?"},
        (
            option("a", "Ignorieren."),
            option("b", "Kurz antworten."),
            option("c", "Ruhig antworten, auf Notrufnummern verweisen, melden und alles dokumentieren.", line=55),
        ),
    )
    (finding,) = item_checks.standout_option(decision, DEFAULTS)
    assert finding.code == "option_stands_out" and finding.line == 55 and finding.severity == "warning"


def test_balanced_bank_passes_every_strategy():
    """Equal lengths and spread keys: every strategy, including the combined one, stays below 5 %."""
    report = quality.check(balanced_bank(), profiles=[PROFILE])
    assert not report.refusals, [str(f) for f in report.refusals]
    names = {r.strategy.name for r in report.results}
    assert {"longest", "shortest", "most hedged", "false", "middle position", "authoring order", "combined"} <= names
    assert all(r.pass_rate <= 0.05 for r in report.results)
    assert report.summary.key_longest == {"de": 0.0, "en": 0.0}


def test_cued_bank_is_refused_with_rates_and_file_line_per_item():
    """Lengthening every key makes 'longest' pass nearly always: refused, naming the profile and each item."""
    report = quality.check(cued(balanced_bank()), profiles=[PROFILE])
    codes = {f.code for f in report.refusals}
    assert {"strategy_passes", "key_longest_share"} <= codes
    longest = next(r for r in report.results if r.strategy.name == "longest" and r.language == "de")
    assert longest.pass_rate == 1.0
    headline = next(f for f in report.refusals if f.code == "strategy_passes" and f.file == "pkg/course.yaml")
    assert headline.line == 30 and "passes 100.0% of 1000 random draws" in headline.message
    per_item = [f for f in report.refusals if f.item and f.code == "strategy_passes"]
    assert len(per_item) == 24 and all(f.file == "pkg/items/x.yaml" and f.line == 7 for f in per_item)


def test_results_are_reproducible():
    first = quality.check(cued(balanced_bank()), profiles=[PROFILE]).results
    second = quality.check(cued(balanced_bank()), profiles=[PROFILE]).results
    assert [(r.strategy.name, r.pass_rate) for r in first] == [(r.strategy.name, r.pass_rate) for r in second]


def test_true_false_keys_and_say_false():
    """A bank of false statements: 'false' passes, and the key imbalance is a warning."""
    bank = [true_false(f"tf-{m}-{n}", f"Aussage {n}", true=False, module=m) for m in MODULES for n in range(12)]
    report = quality.check(bank, profiles=[PROFILE])
    say_false = next(r for r in report.results if r.strategy.name == "false" and r.language == "en")
    assert say_false.pass_rate == 1.0
    assert any(f.code == "true_false_balance" and f.severity == "warning" for f in report.findings)


def test_multiple_response_with_always_three_keys():
    """Three keys in every item: a warning, and the fixed-ticks strategy shows what ticking three earns."""
    texts = ["Kurz a", "Kurz b", "Kurz c", "Kurz d", "Kurz e"]
    bank = [multiple(f"mr-{m}-{n}", (0, 1, 2), module=m, texts=texts) for m in MODULES for n in range(12)]
    report = quality.check(bank, profiles=[PROFILE])
    assert any(f.code == "multiple_same_key_count" for f in report.findings)
    authoring = next(r for r in report.results if r.strategy.name == "authoring order")
    assert authoring.pass_rate == 1.0  # a+b+c every time
    assert strategies.modal_key_count(bank) == 3


def test_mixed_scoring_rules_are_warned():
    bank = [multiple("a", (0, 1)), multiple("b", (0,), scoring="all_or_nothing"), multiple("c", (1, 2, 3))]
    report = quality.check(bank)
    assert any(f.code == "multiple_scoring_mixed" for f in report.findings)
    assert not any(f.code == "multiple_same_key_count" for f in report.findings)


def test_thresholds_unknown_name_and_out_of_range_are_errors():
    """A profile may tighten a refusal threshold, not loosen it; unknown names and bad values are errors."""
    assert resolve({"strategy_pass_rate_max": 0.02}).strategy_pass_rate_max == 0.02
    with pytest.raises(ThresholdError, match="unknown quality threshold 'pass_rate'"):
        resolve({"pass_rate": 0.02})
    with pytest.raises(ThresholdError, match="may only be tightened"):
        resolve({"key_longest_share_max": 0.6})
    with pytest.raises(ThresholdError, match="must be a number"):
        resolve({"option_length_ratio_max": "2"})
    with pytest.raises(ThresholdError, match="whole number"):
        resolve({"strategy_draws": 150.5})


def test_bad_override_is_a_refusal_at_the_profile_line():
    profile = ProfileRecord("x", 20, 70, {"one": 10, "two": 10}, quality={"nonsense": 1}, file="c.yaml", line=44)
    report = quality.check(balanced_bank(), profiles=[profile])
    (finding,) = [f for f in report.refusals if f.code == "threshold"]
    assert (finding.file, finding.line) == ("c.yaml", 44) and "unknown quality threshold 'nonsense'" in finding.message


def test_a_tightened_profile_refuses_what_the_default_accepts():
    """A chamber that wants at most 20 % keys-longest refuses a bank at 25 %; bank-wide checks use the strictest."""
    bank = balanced_bank()
    # Make the key the longest in 6 of 24 items (25 %).
    bank = cued(bank[:6]) + bank[6:]
    assert not [f for f in quality.check(bank, profiles=[PROFILE]).refusals if f.code == "key_longest_share"]
    strict = ProfileRecord(**{**PROFILE.__dict__, "quality": {"key_longest_share_max": 0.2}})
    assert [f for f in quality.check(bank, profiles=[strict]).refusals if f.code == "key_longest_share"]
    assert strictest([resolve({"key_longest_share_max": 0.2}), DEFAULTS]).key_longest_share_max == 0.2


def test_a_stem_retelling_a_vignette_scene_of_its_module_is_a_replay():
    """A long stem whose words come from a vignette's scene in the same module replays it; in another module not."""
    scene = (
        "Sunday evening. A follow request appears on your private account from a patient who has been in "
        "treatment with you for four months for social anxiety and finds approaching people very hard."
    )
    decision = ItemRecord(
        "one/follow/decide",
        "decision",
        "decision",
        "one",
        {"de": "Was tun Sie?", "en": "What do you do?"},
        (option("x", "Annehmen", "Accept"), option("y", "Ablehnen", "Decline")),
        "m.yaml",
        9,
        context={"de": scene, "en": scene},
    )
    stem = "On Sunday evening a patient in treatment for social anxiety sends a follow request to your private account."
    replay = single("r", ["eins", "zwei", "drei", "vier"], 0, stem=stem)
    assert item_checks.replays(replay, [decision], DEFAULTS)[0].message.startswith("final item 'r': its stem repeats")
    elsewhere = single("s", ["eins", "zwei", "drei", "vier"], 0, stem=stem, module="two")
    assert not item_checks.replays(elsewhere, [decision], DEFAULTS)
