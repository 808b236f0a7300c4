"""The vignette engine's graph rules and path logic, as pure functions."""

import copy

import pytest

from courses.vignettes import Answer, validate, walk

PRINCIPLES = {"abstinence", "autonomy"}
GRAPH = {
    "start": "intro",
    "nodes": {
        "intro": {"type": "narrative", "text": {}, "next": "decide"},
        "decide": {
            "type": "decision",
            "text": {},
            "options": [
                {"id": "public", "label": {}, "feedback": {"en": "f"}, "principles": ["abstinence"], "next": "c1"},
                {"id": "private", "label": {}, "feedback": {"en": "f"}, "principles": ["autonomy"], "next": "c1"},
            ],
        },
        "c1": {
            "type": "consequence",
            "text": {},
            "item": "i1",
            "next": [
                {"when": {"chose": "decide.public"}, "to": "d-public"},
                {"when": {"item_correct": "i1"}, "to": "d-good"},
                {"to": "d-other"},
            ],
        },
        "d-public": {"type": "debrief", "text": {}},
        "d-good": {"type": "debrief", "text": {}},
        "d-other": {"type": "debrief", "text": {}},
    },
}


def errors_of(graph):
    return validate(graph, item_ids={"i1"}, principles=PRINCIPLES)


def test_valid_graph_has_no_errors():
    """The reference graph satisfies every rule."""
    assert errors_of(GRAPH) == []


def test_walk_stops_at_the_open_decision():
    """A new path runs through narrative nodes and waits at the first decision."""
    state = walk(GRAPH, {})
    assert state.visited == ["intro", "decide"]
    assert state.pending == "decide"
    assert not state.finished


def test_embedded_item_waits_for_an_answer():
    """A consequence with an embedded item waits until the item is answered."""
    assert walk(GRAPH, {"decide": Answer("private")}).pending == "c1"


@pytest.mark.parametrize(
    ("path", "debrief"),
    [
        ({"decide": Answer("public"), "c1": Answer("a", correct=False)}, "d-public"),
        ({"decide": Answer("private"), "c1": Answer("a", correct=True)}, "d-good"),
        ({"decide": Answer("private"), "c1": Answer("b", correct=False)}, "d-other"),
    ],
)
def test_conditional_edges(path, debrief):
    """Edges branch on an earlier choice, then on the embedded item's score, then fall back."""
    state = walk(GRAPH, path)
    assert state.finished
    assert state.visited[-1] == debrief


def broken(mutate):
    graph = copy.deepcopy(GRAPH)
    mutate(graph["nodes"])
    return errors_of(graph)


@pytest.mark.parametrize(
    ("mutate", "node", "fragment"),
    [
        (lambda n: n.update({"orphan": {"type": "debrief", "text": {}}}), "orphan", "not reachable"),
        (lambda n: n["d-public"].update({"next": "intro"}), "d-public", "has no 'next'"),
        (lambda n: n["c1"].update({"next": "intro"}), None, "cycle"),
        (lambda n: n["intro"].pop("next"), "intro", "leads nowhere"),
        (lambda n: n["decide"]["options"][0].update({"next": "missing"}), "decide", "missing node"),
        (lambda n: n["decide"]["options"].pop(), "decide", "2 to 5 options"),
        (lambda n: n["c1"]["next"][0]["when"].update({"chose": "decide.nope"}), "c1", "does not have"),
        (lambda n: n["c1"]["next"][0]["when"].update({"chose": "intro.x"}), "c1", "not a decision"),
        (lambda n: n["c1"]["next"].pop(), "c1", "last edge must be unguarded"),
        (lambda n: n["c1"].update({"item": "nope"}), "c1", "not defined"),
        (lambda n: n["decide"]["options"][0].update({"principles": ["vanity"]}), "decide", "unknown principle"),
        # Both options are guarded before the fallback, so 'd-other' can only be reached via the item result;
        # guarding that too leaves the fallback dead.
        (
            lambda n: n["c1"].update(
                {
                    "next": [
                        {"when": {"chose": "decide.public"}, "to": "d-public"},
                        {"when": {"chose": "decide.private"}, "to": "d-good"},
                        {"to": "d-other"},
                    ]
                }
            ),
            "d-other",
            "no sequence of choices reaches",
        ),
    ],
)
def test_each_rule_names_the_node(mutate, node, fragment):
    """Every broken rule is reported with the node it concerns."""
    errors = broken(mutate)
    assert errors, "the broken graph must not validate"
    assert any(fragment in message and (node is None or nid == node) for nid, message in errors), errors
