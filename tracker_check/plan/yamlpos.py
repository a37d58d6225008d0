"""Safe YAML → plain data, plus where every key and value was written. Pure (text in).

PyYAML's SafeLoader only composes the node graph here; the graph is turned into plain
JSON-like data by hand so that every mapping key and every value gets a `Location`, keyed by
its JSON pointer (RFC 6901). Problems become `plan-error` findings, never exceptions:

- syntax errors carry the YAML mark's line and column;
- duplicate keys are errors (YAML says they are; PyYAML silently keeps the last);
- aliases are allowed, but the expanded document is capped (billion laughs) and recursive
  aliases are refused;
- booleans follow YAML 1.2 (`true`/`false` only), so `consent: off` stays the string "off"
  and a country code `NO` stays "NO";
- timestamps stay the strings written; mapping keys are always strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tracker_check.models import Finding, Location, Severity

MAX_NODES = 50_000  # expanded nodes (after aliases); real plans have a few thousand
MAX_DEPTH = 200

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    _STR,
}
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


# libyaml's parser when present: ~40x faster than pure Python, which `lint`'s startup budget
# needs. Both resolve tags in Python, so the YAML 1.2 booleans below apply to either.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlanLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans (no yes/no/on/off)."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def escape(token: str) -> str:
    """One JSON-pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    return "".join("/" + escape(str(t)) for t in tokens)


@dataclass(frozen=True, slots=True)
class Positions:
    """JSON pointer → where its key (mapping entries) and its value start."""

    source: str
    keys: dict[str, Location] = field(default_factory=dict)
    values: dict[str, Location] = field(default_factory=dict)

    def key(self, ptr: str) -> Location:
        """The key's place for a mapping entry, else the value's, else the nearest parent's."""
        return self._find(ptr, prefer_key=True)

    def value(self, ptr: str) -> Location:
        """The value's place, else the nearest parent's."""
        return self._find(ptr, prefer_key=False)

    def _find(self, ptr: str, *, prefer_key: bool) -> Location:
        while True:
            if prefer_key and ptr in self.keys:
                return self.keys[ptr]
            if ptr in self.values:
                return self.values[ptr]
            if not ptr:
                return Location(self.source, 1, 1)
            ptr = ptr.rsplit("/", 1)[0]


@dataclass(frozen=True, slots=True)
class Document:
    """The loaded data (None when YAML failed), its positions, and the problems found."""

    data: Any
    positions: Positions
    findings: tuple[Finding, ...] = ()


def plan_error(message: str, location: Location, hint: str | None = None) -> Finding:
    return Finding(
        code="plan-error", severity=Severity.ERROR, message=message, hint=hint, location=location
    )


_EXPAND_HINT = "aliases (*name) may not expand that far: write the content out, or fewer levels"


class _TooBig(Exception):
    def __init__(self, message: str, node: Node, hint: str = _EXPAND_HINT) -> None:
        super().__init__(message)
        self.message = message
        self.node = node
        self.hint = hint


def load_yaml(text: str, source: str) -> Document:
    """Parse one YAML document. Never raises for bad input: problems are findings."""
    positions = Positions(source)
    try:
        root = yaml.compose(text, Loader=_PlanLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        return Document(None, positions, (_syntax_finding(exc, source, text),))
    except yaml.YAMLError as exc:  # unmarked: e.g. a reader error for control characters
        return Document(None, positions, (plan_error(f"invalid YAML: {exc}", positions.key("")),))
    except RecursionError:
        return Document(
            None,
            positions,
            (plan_error("YAML nested too deeply", positions.key(""), "flatten the document"),),
        )
    if root is None:
        return Document(None, positions, ())
    builder = _Builder(source, positions)
    try:
        data = builder.build(root, "", 0)
    except _TooBig as exc:
        finding = plan_error(exc.message, _loc(source, exc.node), exc.hint)
        return Document(None, positions, (finding,))
    return Document(data, positions, tuple(builder.findings))


def _loc(source: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(source, mark.line + 1, mark.column + 1)


def _has_tab(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return "\t" in line[: mark.column + 1]


def _syntax_finding(exc: yaml.MarkedYAMLError, source: str, text: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "invalid YAML").strip()
    context = (exc.context or "").strip()
    hint = None
    if _has_tab(text, mark):
        problem, context = "a tab character where YAML expects spaces", ""
        hint = "YAML indents with spaces, not tabs"
    elif "end of stream" in problem and "quoted scalar" in context and exc.context_mark:
        mark = exc.context_mark  # point at the quote that was never closed
        hint = "close the quote"
    elif "mapping values are not allowed" in problem:
        hint = "check the indentation, or quote a value that contains ': '"
    elif any(m in problem for m in ("expected <block end>", "expected ':'", "expected key")):
        hint = "check the indentation of this line and the one above"
    elif "expected ',' or" in problem:
        hint = "close the bracket or brace, or add the missing comma"
    elif "expected a single document" in context + problem:
        hint = "a plan is one YAML document; remove the extra `---`"
    message = f"invalid YAML: {context + ': ' if context else ''}{problem}"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return plan_error(message, Location(source, line, col), hint)


class _Builder:
    """Node graph → plain data, recording positions and counting expanded nodes."""

    def __init__(self, source: str, positions: Positions) -> None:
        self.source = source
        self.positions = positions
        self.findings: list[Finding] = []
        self.count = 0
        self.active: set[int] = set()  # nodes being built: one seen again is a recursive alias
        self.constructor = yaml.SafeLoader("")

    def _count(self, n: int, node: Node) -> None:
        self.count += n
        if self.count > MAX_NODES:
            raise _TooBig(
                f"document too large after expanding aliases (over {MAX_NODES} nodes)", node
            )

    def build(self, node: Node, ptr: str, depth: int) -> Any:
        self._count(1, node)
        if depth > MAX_DEPTH:
            raise _TooBig(
                f"document nested more than {MAX_DEPTH} levels deep", node, "flatten the document"
            )
        self.positions.values.setdefault(ptr, _loc(self.source, node))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if id(node) in self.active:
            raise _TooBig(
                "recursive alias: a node contains itself",
                node,
                'for a recursive schema, use `$ref: "#/definitions/NAME"` instead',
            )
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._check_tag(node, "tag:yaml.org,2002:seq")
                return [self.build(v, f"{ptr}/{i}", depth + 1) for i, v in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            self._check_tag(node, "tag:yaml.org,2002:map")
            return self._mapping(node, ptr, depth)
        finally:
            self.active.discard(id(node))

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            self.findings.append(
                plan_error(
                    f"unsupported YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')}",
                    _loc(self.source, node),
                    "plans use plain mappings, lists and scalars",
                )
            )

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _PLAIN_TAGS:
            if node.tag != "tag:yaml.org,2002:timestamp":
                self._check_tag(node, _STR)
            return node.value  # timestamps and unknown tags stay the text written
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:  # an integer over Python's 4300-digit limit for int(str)
            self.findings.append(
                plan_error(
                    "number too large", _loc(self.source, node), "quote it to keep it as text"
                )
            )
            return node.value

    def _mapping(self, node: MappingNode, ptr: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                self.findings.append(
                    plan_error("a mapping key must be a plain value", _loc(self.source, key_node))
                )
                continue
            key = str(key_node.value)
            child = f"{ptr}/{escape(key)}"
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                self.findings.append(
                    plan_error(
                        f"duplicate key `{key}` (first defined on line {first})",
                        _loc(self.source, key_node),
                        "remove one of them; YAML keys must be unique",
                    )
                )
                continue
            first_seen[key] = key_node
            self.positions.keys[child] = _loc(self.source, key_node)
            out[key] = self.build(value_node, child, depth + 1)
        # `<<: *base` merge keys: explicit keys win, earlier merge sources win over later ones
        for key_node, value_node in merged:
            key = str(key_node.value)
            if key in out:
                continue
            child = f"{ptr}/{escape(key)}"
            self.positions.keys[child] = _loc(self.source, key_node)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def _merge_sources(self, node: Node, depth: int = 0) -> list[tuple[Node, Node]]:
        if depth > MAX_DEPTH:
            raise _TooBig("recursive `<<` merge", node)
        sources = node.value if isinstance(node, SequenceNode) else [node]
        pairs: list[tuple[Node, Node]] = []
        for src in sources:
            if not isinstance(src, MappingNode):
                self.findings.append(
                    plan_error("`<<` merges mappings only", _loc(self.source, src))
                )
                continue
            # checked here too: nested `<<` sources double per level before any build()
            self._count(len(src.value), src)
            own = [p for p in src.value if isinstance(p[0], ScalarNode) and p[0].tag != _MERGE]
            pairs.extend(own)
            for key_node, value_node in src.value:
                if key_node.tag == _MERGE:  # a merged mapping that merges others itself
                    pairs.extend(self._merge_sources(value_node, depth + 1))
        return pairs
