"""
The vignette engine: pure functions over a vignette graph, no ORM.

A graph is ``{"start": node_id, "nodes": {node_id: node}}`` as written in a course package. Node types are
narrative, decision, consequence and debrief. ``next`` is a node id or a list of guarded edges
``{"when": {"chose": "node.option"} | {"item_correct": item_id}, "to": node_id}`` ending in an unguarded
one. A learner's path is the mapping ``node_id -> Answer`` of the choices made on it.
"""

from dataclasses import dataclass, field
from typing import Any

MIN_OPTIONS, MAX_OPTIONS = 2, 5


@dataclass(frozen=True)
class Answer:
    option: str
    correct: bool | None = None


@dataclass
class Walk:
    visited: list[str] = field(default_factory=list)
    pending: str | None = None  # a decision or embedded item waiting for the learner
    finished: bool = False


def _edges(node: dict[str, Any]) -> list[dict[str, Any]]:
    nxt = node.get("next")
    if nxt is None:
        return []
    if isinstance(nxt, str):
        return [{"to": nxt}]
    return list(nxt)


def successors(node: dict[str, Any]) -> list[str]:
    """Every node this node can lead to, whatever the learner does."""
    targets = [edge.get("to") for edge in _edges(node)]
    targets += [option.get("next") for option in node.get("options", [])]
    return [t for t in targets if isinstance(t, str)]


def _holds(when: dict[str, Any], path: dict[str, Answer], graph: dict[str, Any]) -> bool:
    if "chose" in when:
        node_id, _, option = str(when["chose"]).partition(".")
        answer = path.get(node_id)
        return answer is not None and answer.option == option
    if "item_correct" in when:
        item = when["item_correct"]
        return any(
            answer.correct is True
            for node_id, answer in path.items()
            if graph["nodes"].get(node_id, {}).get("item") == item
        )
    return False


def follow(node: dict[str, Any], path: dict[str, Answer], graph: dict[str, Any]) -> str | None:
    for edge in _edges(node):
        when = edge.get("when")
        if not when or _holds(when, path, graph):
            return edge.get("to")
    return None


def walk(graph: dict[str, Any], path: dict[str, Answer]) -> Walk:
    """Replay a path from the start until it needs the learner or reaches a debrief."""
    nodes = graph["nodes"]
    result = Walk()
    current: str | None = graph["start"]
    while current is not None and len(result.visited) <= len(nodes):
        node = nodes[current]
        result.visited.append(current)
        kind = node["type"]
        if kind == "debrief":
            result.finished = True
            return result
        if kind == "decision":
            answer = path.get(current)
            if answer is None:
                result.pending = current
                return result
            option = next((o for o in node["options"] if o["id"] == answer.option), None)
            current = option["next"] if option else None
            continue
        if node.get("item") and current not in path:
            result.pending = current
            return result
        current = follow(node, path, graph)
    return result


@dataclass(frozen=True)
class _Names:
    """What a node may refer to: decisions and their option ids, embedded items, item ids, principles."""

    nodes: dict[str, Any]
    decisions: dict[str, set[str]]
    embedded: set[str]
    item_ids: set[str]
    principles: set[str]


def validate(graph: dict[str, Any], *, item_ids: set[str], principles: set[str]) -> list[tuple[str, str]]:
    """
    Return ``(node_id, message)`` for every rule the graph breaks; an empty list means valid.

    The graph has passed the module schema (``courses/packages/schema/module.schema.json``), which owns node
    types, required keys such as an option's feedback, and the shape of conditions; these rules are the ones
    that need the whole graph.
    """
    nodes: dict[str, Any] = graph.get("nodes") or {}
    start = graph.get("start")
    if start not in nodes:
        return [(str(start), f"start node {start!r} does not exist")]
    names = _Names(
        nodes=nodes,
        decisions={nid: {o.get("id") for o in n.get("options", [])} for nid, n in nodes.items() if _is(n, "decision")},
        embedded={n["item"] for n in nodes.values() if n.get("item")},
        item_ids=item_ids,
        principles=principles,
    )
    errors = [(node_id, message) for node_id, node in nodes.items() for message in _node_errors(node, names)]
    return errors or _path_errors(graph)


def _is(node: dict[str, Any], kind: str) -> bool:
    return node.get("type") == kind


def _node_errors(node: dict[str, Any], names: _Names) -> list[str]:
    errors = [f"unknown principle {tag!r}" for tag in node.get("principles", []) if tag not in names.principles]
    if node.get("item") and node["item"] not in names.item_ids:
        errors.append(f"embedded item {node['item']!r} is not defined in this module")
    if _is(node, "decision"):
        errors += _decision_errors(node, names)
    elif _is(node, "debrief"):
        if node.get("next"):
            errors.append("a debrief ends the vignette and has no 'next'")
    else:
        errors += _edge_errors(node, names)
    return errors


def _decision_errors(node: dict[str, Any], names: _Names) -> list[str]:
    options = node.get("options") or []
    errors = []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors.append(f"a decision needs {MIN_OPTIONS} to {MAX_OPTIONS} options, it has {len(options)}")
    seen: set[str] = set()
    for option in options:
        oid = option.get("id")
        if oid in seen:
            errors.append(f"option id {oid!r} is used twice")
        seen.add(oid)
        if option.get("next") not in names.nodes:
            errors.append(f"option {oid!r} leads to missing node {option.get('next')!r}")
        errors += [
            f"option {oid!r}: unknown principle {tag!r}"
            for tag in option.get("principles", [])
            if tag not in names.principles
        ]
    if node.get("next"):
        errors.append("a decision continues through its options, not through 'next'")
    return errors


def _edge_errors(node: dict[str, Any], names: _Names) -> list[str]:
    edges = _edges(node)
    if not edges:
        return ["this node leads nowhere; every path must end in a debrief"]
    errors = []
    for index, edge in enumerate(edges):
        if edge.get("to") not in names.nodes:
            errors.append(f"edge leads to missing node {edge.get('to')!r}")
        when = edge.get("when")
        if when is None and index != len(edges) - 1:
            errors.append("only the last edge may be unguarded")
        if when is not None:
            errors += _check_when(when, names.decisions, names.embedded)
    if edges[-1].get("when") is not None:
        errors.append("the last edge must be unguarded, so that some edge always applies")
    return errors


def _path_errors(graph: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules over the paths of a graph whose nodes are each well formed."""
    nodes, start = graph["nodes"], graph["start"]
    reachable = _reachable(nodes, start)
    errors = [(nid, "node is not reachable from the start") for nid in nodes if nid not in reachable]
    cycle = _find_cycle(nodes, start)
    if cycle:
        errors.append((cycle, "the graph has a cycle through this node"))
        return errors
    played = reachable_in_play(graph)
    errors.extend(
        (nid, "no sequence of choices reaches this node: the conditions before it never let a learner through")
        for nid in nodes
        if nid not in played
    )
    return errors


MAX_PLAYTHROUGHS = 20_000


def reachable_in_play(graph: dict[str, Any]) -> set[str]:
    """Every node some playthrough visits, trying every option and both results of embedded items."""
    seen: set[str] = set()
    frontier: list[dict[str, Answer]] = [{}]
    explored = 0
    while frontier and explored < MAX_PLAYTHROUGHS:
        explored += 1
        path = frontier.pop()
        state = walk(graph, path)
        seen.update(state.visited)
        if state.pending is None:
            continue
        node = graph["nodes"][state.pending]
        if node["type"] == "decision":
            answers = [Answer(o["id"]) for o in node["options"]]
        else:
            answers = [Answer("correct", correct=True), Answer("wrong", correct=False)]
        frontier.extend({**path, state.pending: answer} for answer in answers)
    return seen


def _check_when(when: dict[str, Any], decisions: dict[str, set[str]], embedded: set[str]) -> list[str]:
    if "chose" in when:
        node_id, _, option = str(when["chose"]).partition(".")
        if node_id not in decisions:
            return [f"condition refers to {node_id!r}, which is not a decision node"]
        if option not in decisions[node_id]:
            return [f"condition refers to option {option!r}, which {node_id!r} does not have"]
        return []
    # Otherwise the schema has made it {"item_correct": item_id}.
    if when["item_correct"] not in embedded:
        return [f"condition refers to item {when['item_correct']!r}, which no node embeds"]
    return []


def _reachable(nodes: dict[str, Any], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current in seen or current not in nodes:
            continue
        seen.add(current)
        stack.extend(successors(nodes[current]))
    return seen


def _find_cycle(nodes: dict[str, Any], start: str) -> str | None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node_id: str) -> str | None:
        state[node_id] = 1
        for target in successors(nodes[node_id]):
            if state.get(target) == 1:
                return target
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node_id] = 2
        return None

    return visit(start)


def debriefs(graph: dict[str, Any]) -> list[str]:
    return [nid for nid, node in graph["nodes"].items() if node.get("type") == "debrief"]
