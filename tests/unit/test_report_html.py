"""The HTML report: structure, funnel cards, coverage numbers, escaping, embedding."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_samples import SECRET, XSS, flows_report, hostile_report, offline_report

from tracker_check import coverage
from tracker_check.report import html as html_report
from tracker_check.report import json_report
from tracker_check.report._jsonlines import pretty_lines, target_lines
from tracker_check.report.model import RunReport
from tracker_check.report.registry import RenderOptions

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Collect(HTMLParser):
    """Every start tag with its attributes, plus the raw text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self._script: Node | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.nodes.append(node)
        if tag == "script":
            self._script = node

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def find(self, tag: str, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.nodes
            if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())
        ]


def parse(report: RunReport, report_dir: Path | None = None) -> tuple[str, Collect]:
    out = html_report.render(report, RenderOptions(report_dir=report_dir))
    doc = Collect()
    doc.feed(out)
    doc.close()
    return out, doc


def test_one_card_per_planned_event_with_its_state() -> None:
    report = flows_report()
    _, doc = parse(report)
    cov = coverage.compute(report.plan, report.all_events(), report.findings)
    cards = {
        n.attrs["data-event"]: n for n in doc.nodes if "card" in n.attrs.get("class", "").split()
    }
    assert set(cards) == {e.name for e in cov.events}
    for e in cov.events:
        classes = cards[e.name].attrs["class"].split()
        assert e.state in classes and cards[e.name].attrs["data-state"] == e.state
        assert (e.kind or "event") in classes
    assert "macro" in cards["purchase"].attrs["class"].split()
    assert cards["add_to_cart"].attrs["href"] == "#flow-0-ev-3"  # links to its first capture


def test_cards_sit_in_funnel_stage_columns() -> None:
    out, _ = parse(flows_report())
    stages = re.findall(r'<div class="stage" data-stage="([^"]+)">', out)
    assert stages == ["attention", "interest", "desire", "action", "unstaged"]
    interest = out.split('data-stage="interest"')[1].split('<div class="stage"')[0]
    assert re.findall(r'data-event="([^"]+)"', interest) == ["view_item", "newsletter_signup"]


def test_coverage_numbers_equal_the_json_report() -> None:
    report = flows_report()
    out, doc = parse(report)
    summary = json.loads(json_report.render(report, RenderOptions()))["summary"]["coverage"]
    scores = [n.attrs["data-score"] for n in doc.nodes if "data-score" in n.attrs]
    expected = [summary["score"]] + [s["score"] for s in summary["stages"]]
    assert [float(s) for s in scores] == expected
    assert ">29.2%<" in out
    # the embedded data block is the JSON report's summary, verbatim
    data = next(n for n in doc.find("script") if n.attrs.get("type") == "application/json")
    assert json.loads(data.text)["summary"]["coverage"] == summary


def test_flow_timeline_attributes_events_to_steps() -> None:
    out, _ = parse(flows_report())
    flow = out.split('id="flow-0"')[1].split('id="flow-1"')[0]
    steps = flow.split('<li class="step ')[1:]
    assert len(steps) == 3
    assert re.findall(r'id="flow-0-ev-(\d+)"', steps[0]) == ["0", "1", "2"]
    assert re.findall(r'id="flow-0-ev-(\d+)"', steps[1]) == ["3"]
    assert "missing-event" in steps[2] and "invalid-parameter" in steps[1]


def test_offending_pointer_line_is_highlighted() -> None:
    out, _ = parse(flows_report())
    card = out.split('id="flow-0-ev-3"')[1].split("</details>")[0]
    highlighted = re.findall(r'<span class="ln hl (\w+)">(.*?)<span class="mark-code">', card)
    assert highlighted == [
        ("error", "        &quot;price&quot;: &quot;19.99&quot;,"),
        ("warning", "  &quot;debug_id&quot;: &quot;x1&quot;"),
    ]
    assert ' open><summary><span class="ev-index">#3' in out  # events with errors start open


def test_hostile_values_are_inert_text() -> None:
    out, doc = parse(hostile_report())
    scripts = doc.find("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]
    assert not [n for n in doc.nodes for a in n.attrs if a.startswith("on")]
    assert not doc.find("svg") and not doc.find("img")
    assert "<script>window" not in out and "<img src=x" not in out
    assert html_report.esc(XSS[0]) in out  # shown as text
    data = json.loads(scripts[0].text)
    assert data["findings"][0]["actual"] == XSS[2]  # round-trips through the data block
    assert "\u2028" not in scripts[0].text and "<" not in scripts[0].text


def test_csp_allows_only_the_inline_assets() -> None:
    out, doc = parse(flows_report())
    csp = next(
        n for n in doc.find("meta") if n.attrs.get("http-equiv") == "Content-Security-Policy"
    )
    policy = csp.attrs["content"]
    js = html_report.asset("report.js")
    css = html_report.asset("report.css")
    for text, directive in ((js, "script-src"), (css, "style-src")):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert f"<script>{js}</script>" in out and f"<style>{css}</style>" in out


def test_no_external_references() -> None:
    _, doc = parse(flows_report())
    for n in doc.nodes:
        for attr in ("src", "href"):
            value = n.attrs.get(attr)
            if value is not None:
                assert value.startswith(("#", "data:")), (n.tag, attr, value)
    assert not doc.find("link")


def test_screenshots_embedded_or_skipped(tmp_path: Path) -> None:
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "popup-step1.png").write_bytes(PNG)
    out, doc = parse(flows_report(), tmp_path)
    imgs = doc.find("img")
    assert len(imgs) == 1  # the step's and the finding's screenshot are the same file
    assert imgs[0].attrs["src"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    out, doc = parse(flows_report(), tmp_path / "elsewhere")
    assert not doc.find("img")
    assert "screenshot not available: screenshots/popup-step1.png" in out


def test_secrets_masked() -> None:
    out, _ = parse(flows_report())
    assert SECRET not in out and "qa%2Bsecret" not in out


def test_offline_report_lists_events_with_their_findings() -> None:
    out, doc = parse(offline_report())
    events = doc.find("details", "event")
    assert [n.attrs["id"] for n in events] == ["ev-0", "ev-1", "ev-2", "ev-3"]
    card = out.split('id="ev-1"')[1].split("</details>")[0]
    assert "missing-parameter" in card and "invalid-parameter" in card
    assert not doc.find("details", "flow")


def test_print_and_tools() -> None:
    css = html_report.asset("report.css")
    js = html_report.asset("report.js")
    assert "@media print" in css
    assert "beforeprint" in js and "afterprint" in js


def test_script_json_escapes() -> None:
    text = html_report.script_json({"a": "</script><!-- & \u2028\u2029"})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_pretty_lines_match_json_dumps(value: object) -> None:
    lines = pretty_lines(value)
    assert "\n".join(line.text for line in lines) == json.dumps(value, indent=2, ensure_ascii=False)


def test_pointer_targets() -> None:
    lines = pretty_lines({"a/b": {"c": [1, {"d": 2}]}, "e": 3})
    by_ptr = {line.pointer: i for i, line in reversed(list(enumerate(lines)))}
    assert target_lines(lines, "/a~1b/c/1/d") == {by_ptr["/a~1b/c/1/d"]}
    assert target_lines(lines, "/a~1b/missing") == {by_ptr["/a~1b"]}  # parent object
    assert target_lines(lines, "") == {0}


@pytest.mark.parametrize("make", [flows_report, offline_report, hostile_report])
def test_renders_utf8_encodable(make: object) -> None:
    out, _ = parse(make())  # type: ignore[operator]
    out.encode("utf-8")
    assert out.startswith("<!DOCTYPE html>") and out.endswith("</html>\n")
