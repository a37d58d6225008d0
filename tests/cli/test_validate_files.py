"""`tracker-check validate` on real-world event files: bad files are one clear error at
FILE:LINE[:COL] (exit 2, never a traceback); every finding names its record's FILE:LINE in
every report format; exports of many sessions are not one page; `--jobs` changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_check import offline
from tracker_check.cli.app import app
from tracker_check.plan.load import load_plan

PLAN = """\
version: 1
name: files
settings: {additional_parameters: error}
events:
  add_to_cart:
    parameters:
      ecommerce: {$ref: "ga4#/definitions/add_to_cart_ecommerce"}
  purchase:
    unique: [ecommerce.transaction_id]
    parameters:
      ecommerce: {$ref: "ga4#/definitions/purchase_ecommerce"}
"""
ITEM = {"item_id": "A", "item_name": "Shirt", "price": 10.0, "quantity": 1}


def cart(items: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "event": "add_to_cart",
        "ecommerce": {"currency": "EUR", "value": 10.0, "items": items or [ITEM]},
    }


def purchase(tid: str) -> dict[str, object]:
    eco = {"currency": "EUR", "value": 10.0, "transaction_id": tid, "items": [ITEM]}
    return {"event": "purchase", "ecommerce": eco}


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["validate", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n  \n", "[]\n", " [ ]"])
def test_a_file_without_events_is_exit_2(plan: Path, tmp_path: Path, text: str) -> None:
    events = write(tmp_path, "events.jsonl", text)
    code, out, err = run(plan, events)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: no events in {events} (hint:")


@pytest.mark.parametrize(
    ("name", "data", "where", "what"),
    [
        ("scalars.jsonl", '1\n"x"\nnull\n', ":1:1: ", "got a number (1)"),
        ("null.jsonl", '{"event": "a"}\n\nnull\n', ":3:1: ", "got null"),
        ("nested.jsonl", '{"event": "a"}\n[1, 2]\n', ":2:1: ", "first item is not a command"),
        ("array.json", '[\n  {"event": "a"},\n  "x"\n]\n', ":3:3: ", 'got a string ("x")'),
        ("utf8.jsonl", b'{"event": "a"}\n{"event": "caf\xe9"}\n', ":2:15: ", "not UTF-8 text"),
        ("utf8.json", b'[{"event": "a"},\n {"event": "\xff"}]', ":2:13: ", "not UTF-8 text"),
        ("nul.jsonl", b'{"event": "a"}\n{"ev\x00": 1}\n', ":2:5: ", "NUL bytes"),
        ("cut.jsonl", '{"event": "a"}\n{"event": "b", "x": [1, 2', ":2:", "invalid JSON"),
        ("cut.json", '[{"event": "a"},\n {"event": "b"', ":2:", "invalid JSON"),
        ("nan.jsonl", '{"event": "a", "v": NaN}\n', ":1:1: ", "NaN is not a JSON value"),
    ],
)
def test_a_bad_file_is_one_line_at_its_place(
    plan: Path, tmp_path: Path, name: str, data: bytes | str, where: str, what: str
) -> None:
    events = write(tmp_path, name, data)
    code, out, err = run(plan, events)
    assert (code, out) == (2, "")
    [line] = [ln for ln in err.splitlines() if not ln.startswith("note:")]
    assert line.startswith(f"error: {events}{where}"), line
    assert what in line
    assert "Traceback" not in err


def test_bom_and_crlf_are_fine_and_lines_count_from_1(plan: Path, tmp_path: Path) -> None:
    bad = cart([{**ITEM, "price": "10"}])
    text = "\ufeff" + json.dumps(cart()) + "\r\n\r\n" + json.dumps(bad) + "\r\n"
    events = write(tmp_path, "events.jsonl", text)
    code, out, _ = run(plan, events, "-f", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert finding["source"] == {"file": str(events), "line": 3, "col": 1}
    assert finding["event_index"] == 1


@pytest.mark.parametrize("shape", ["jsonl", "json"])
def test_a_40_mb_record_is_handled(plan: Path, tmp_path: Path, shape: str) -> None:
    big = {**purchase("T-1"), "blob": "x" * (40 << 20)}
    text = json.dumps(big) if shape == "jsonl" else "[\n" + json.dumps(big) + "\n]"
    events = write(tmp_path, f"big.{shape}", text)
    code, out, _ = run(plan, events, "-f", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["code"], finding["pointer"]) == ("unexpected-parameter", "/blob")
    assert finding["source"]["line"] == (1 if shape == "jsonl" else 2)


# --- FILE:LINE in every format ------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    lines = [cart(), cart([{**ITEM, "price": "10"}]), purchase("T-1"), purchase("T-1")]
    return write(tmp_path, "events.jsonl", "".join(json.dumps(x) + "\n" for x in lines))


def test_every_format_names_the_file_and_line(plan: Path, broken: Path, tmp_path: Path) -> None:
    at2, at4 = f"{broken}:2", f"{broken}:4"
    code, text, _ = run(plan, broken, "--no-color")
    assert code == 1
    assert f"            {at2}\n" in text and f"            {at4}\n" in text
    assert f"was already sent at {broken}:3" in text
    assert "event #" not in text

    _, out, _ = run(plan, broken, "-f", "json")
    found = json.loads(out)["findings"]
    assert [(f["code"], f["source"], f["event_index"]) for f in found] == [
        ("invalid-parameter", {"file": str(broken), "line": 2, "col": 1}, 1),
        ("duplicate-event", {"file": str(broken), "line": 4, "col": 1}, 3),
    ]
    assert json.loads(out)["events"] == []  # not embedded unless --include-events

    _, gh, _ = run(plan, broken, "-f", "github")
    commands = [ln for ln in gh.splitlines() if ln.startswith("::")]
    assert commands[0].startswith(f"::error file={broken},line=2,col=1,title=invalid-parameter::")
    assert commands[1].startswith(f"::error file={broken},line=4,col=1,title=duplicate-event::")

    _, junit, _ = run(plan, broken, "-f", "junit")
    assert f"at: {at2}" in junit and f"at: {at4}" in junit

    html_file = tmp_path / "report.html"
    run(plan, broken, "-f", "html", "-o", html_file)
    html = html_file.read_text("utf-8")
    assert at2 in html and at4 in html


def test_include_events_embeds_every_event_with_its_line(plan: Path, broken: Path) -> None:
    _, out, _ = run(plan, broken, "-f", "json", "--include-events")
    doc = json.loads(out)
    assert [e["origin"]["line"] for e in doc["events"]] == [1, 2, 3, 4]
    assert doc["summary"]["events"] == 4


# --- how records relate -------------------------------------------------------------------


def test_an_export_of_many_sessions_is_not_one_page(plan: Path, tmp_path: Path) -> None:
    """Independent add_to_cart events with different items: on one page, each would leak
    its items into the next (stale-model-data); as an export, each stands alone."""
    rows = [cart([{**ITEM, "item_id": f"A{i}"} for i in range(n)]) for n in (3, 2, 1)]
    events = write(tmp_path, "export.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = run(plan, events, "-f", "json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    assert "note: each record of" in err and "is judged on its own" in err
    assert json.loads(out)["extras"]["records"]["mode"] == "standalone"

    code, out, _ = run(plan, events, "-f", "json", "--records", "page")
    assert code == 1
    found = json.loads(out)["findings"]
    assert [f["code"] for f in found] == ["stale-model-data", "stale-model-data"]


@pytest.mark.parametrize(
    ("first", "mode"),
    [
        ({"event": "gtm.js", "gtm.start": 1}, "page"),  # a GTM page's data layer starts so
        ({"ecommerce": None}, "page"),  # a data push: only a page has those
        (["consent", "default", {"ad_storage": "denied"}], "page"),
        ({"event": "add_to_cart", "$document": "s1"}, "page"),
        ({"event": "page_view"}, "standalone"),
    ],
)
def test_auto_decides_from_what_only_a_page_pushes(
    plan: Path, tmp_path: Path, first: object, mode: str
) -> None:
    events = write(tmp_path, "e.jsonl", json.dumps(first) + "\n" + json.dumps(cart()) + "\n")
    _, out, _ = run(plan, events, "-f", "json")
    assert json.loads(out)["extras"]["records"]["mode"] == mode


def test_document_field_keeps_pages_apart(plan: Path, tmp_path: Path) -> None:
    """`$document` says which page a push was on: the data model is per page."""
    rows = [
        {**cart([{**ITEM, "item_id": "A"}, {**ITEM, "item_id": "A2"}]), "$document": "s1"},
        {**cart([{**ITEM, "item_id": "B"}]), "$document": "s2"},
        {**cart([{**ITEM, "item_id": "C"}]), "$document": "s1"},
    ]
    events = write(tmp_path, "e.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    _, out, _ = run(plan, events, "-f", "json", "--include-events")
    doc = json.loads(out)
    assert [f["source"]["line"] for f in doc["findings"]] == [3]  # s1's second cart only
    assert [e["document"] for e in doc["events"]] == ["s1", "s2", "s1"]
    assert all("$document" not in e["parameters"] for e in doc["events"])


# --- --jobs -------------------------------------------------------------------------------


@pytest.mark.parametrize("blank_lines", [True, False])
def test_jobs_give_identical_findings_in_file_order(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_lines: bool
) -> None:
    """Many small chunks over two processes: the same findings, in the same order, as one
    process — duplicates across chunks included, numbered as in the file."""
    monkeypatch.setattr(offline, "MIN_PARALLEL_BYTES", 0)
    rows: list[str] = []
    for i in range(3000):
        if i % 7 == 3:
            rows.append(json.dumps(cart([{**ITEM, "price": str(i)}])))
        elif i % 11 == 5:
            rows.append(json.dumps(purchase(f"T-{i % 4}")))  # duplicates far apart
        elif i % 13 == 0 and blank_lines:
            rows.append("" if i % 2 else "  \r")  # a blank line
        elif i % 17 == 0:
            rows.append(json.dumps({"event": "unplanned_thing"}))
        else:
            rows.append(json.dumps(cart()))
    events = write(tmp_path, "e.jsonl", "\n".join(rows) + "\n")
    loaded = load_plan(plan)
    one = offline.validate_file(loaded, events, jobs=1)
    two = offline.validate_file(loaded, events, jobs=2, chunk_bytes=4096)
    assert len(one.findings) > 500
    assert {f.code for f in one.findings} == {
        "invalid-parameter",
        "duplicate-event",
        "unplanned-event",
    }
    assert two.findings == one.findings
    assert (two.event_count, two.captured) == (one.event_count, one.captured)


def test_jobs_report_a_bad_line_far_in_the_file_at_its_place(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offline, "MIN_PARALLEL_BYTES", 0)
    rows = [json.dumps(cart())] * 2000 + ["{oops"] + [json.dumps(cart())] * 10
    events = write(tmp_path, "e.jsonl", "\n".join(rows) + "\n")
    with pytest.raises(Exception) as info:
        offline.validate_file(load_plan(plan), events, jobs=2, chunk_bytes=4096)
    assert f"{events}:2001:2: invalid JSON" in info.value.one_line()  # type: ignore[attr-defined]


def test_the_hot_path_finds_what_the_full_path_finds(plan: Path, tmp_path: Path) -> None:
    """Standalone records settled by one `is_valid` call (the hot path) give the findings
    the full path gives (`--include-events` takes the full path for every record)."""
    rows = [
        cart(),
        cart([{**ITEM, "price": "1"}]),
        purchase("T-1"),
        purchase("T-1"),
        {**purchase("T-2"), "extra": 1},
        {"event": "unplanned_thing"},
        ["event", "add_to_cart", {"ecommerce": {"currency": "EUR", "value": 1, "items": [ITEM]}}],
        ["event", "purchase", {"ecommerce": {"currency": "EUR"}}],
        {"event": "add_to_cart", "ecommerce": {"__type": "function"}},
        {"event": "gtm.click"},
    ]
    # past the records `auto` reads ahead, so the inlined hot loop is compared too
    rows = rows * 150
    events = write(tmp_path, "e.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    loaded = load_plan(plan)
    hot = offline.validate_file(loaded, events, records="standalone")
    full = offline.validate_file(loaded, events, records="standalone", keep_events=True)
    assert len(full.events) == len(rows) and hot.events == ()
    assert hot.findings == full.findings
    assert len({f.origin.line for f in hot.findings if f.origin}) > 1000
    assert (hot.event_count, hot.captured) == (full.event_count, full.captured)


@pytest.mark.parametrize("shape", ["jsonl", "json"])
def test_integers_beyond_64_bits_stay_exact(tmp_path: Path, shape: str) -> None:
    """orjson would read them as floats (1e+20): two different order numbers would collide."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nevents:\n  purchase:\n    unique: [order]\n"
        "    parameters: {order: {type: integer}}\n",
        encoding="utf-8",
    )
    rows = [
        '{"event": "purchase", "order": 100000000000000000001}',
        '{"event": "purchase", "order": 100000000000000000002}',
    ]
    text = "\n".join(rows) + "\n" if shape == "jsonl" else "[" + ",\n".join(rows) + "]"
    events = write(tmp_path, f"big.{shape}", text)
    code, out, _ = run(plan, events, "-f", "json", "--include-events")
    assert (code, json.loads(out)["findings"]) == (0, [])
    assert [e["parameters"]["order"] for e in json.loads(out)["events"]] == [
        100000000000000000001,
        100000000000000000002,
    ]


def test_a_one_line_array_names_each_records_column(plan: Path, tmp_path: Path) -> None:
    rows = [cart([{**ITEM, "price": "1"}]), cart(), cart([{**ITEM, "price": "2"}])]
    events = write(tmp_path, "one.json", json.dumps(rows))
    code, text, _ = run(plan, events, "--no-color")
    assert code == 1
    _, out, _ = run(plan, events, "-f", "json")
    sources = [f["source"] for f in json.loads(out)["findings"]]
    assert [s["line"] for s in sources] == [1, 1] and sources[0]["col"] == 2
    assert sources[1]["col"] > 100
    assert f"{events}:1:2\n" in text and f"{events}:1:{sources[1]['col']}\n" in text


def test_a_first_line_gtag_array_orjson_refuses_is_still_json_lines(
    plan: Path, tmp_path: Path
) -> None:
    events = write(tmp_path, "e.jsonl", '["event", "add_to_cart", {"v": 1e400}]\n')
    code, out, _ = run(plan, events, "-f", "json")
    assert code == 1
    assert {f["code"] for f in json.loads(out)["findings"]} <= {
        "missing-parameter",
        "unexpected-parameter",
        "invalid-parameter",
    }


def test_jobs_count_a_blank_line_after_a_bom(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offline, "MIN_PARALLEL_BYTES", 0)
    rows = [
        json.dumps(cart([{**ITEM, "price": str(i)}]) if i % 9 == 0 else cart()) for i in range(2000)
    ]
    events = write(tmp_path, "e.jsonl", "\ufeff\n" + "\n".join(rows) + "\n")
    loaded = load_plan(plan)
    one = offline.validate_file(loaded, events, jobs=1)
    two = offline.validate_file(loaded, events, jobs=2, chunk_bytes=2000)
    assert two.findings == one.findings and len(one.findings) > 100


@pytest.mark.parametrize("shape", ["jsonl", "json"])
def test_a_lone_surrogate_is_validated_as_u_fffd(plan: Path, tmp_path: Path, shape: str) -> None:
    """JSON may escape a lone UTF-16 surrogate; UTF-8 cannot hold it. It is read as U+FFFD
    (as a browser's TextEncoder writes it) instead of failing inside the validator."""
    row = '{"event": "add_to_cart", "x\\ud800": 1, "ecommerce": {"currency": "E\\udc00"}}'
    events = write(tmp_path, f"s.{shape}", row + "\n" if shape == "jsonl" else f"[{row}]")
    code, out, err = run(plan, events, "-f", "json")
    assert code == 1, err
    found = {(f["code"], f["pointer"]) for f in json.loads(out)["findings"]}
    assert ("unexpected-parameter", "/x\ufffd") in found
    assert "internal error" not in err


def test_a_reader_that_stops_early_keeps_the_exit_code(plan: Path, tmp_path: Path) -> None:
    """`validate ... -f json | head`: the report is written piece by piece; when the reader
    goes away, the exit code is the report's, with no internal error."""
    import subprocess
    import sys

    rows = [json.dumps(cart([{**ITEM, "price": str(i)}])) for i in range(3000)]
    events = write(tmp_path, "e.jsonl", "\n".join(rows) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker_check", "validate", str(plan), str(events), "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "versi'
    proc.stdout.close()  # like `head -c 10`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1, err
    assert "internal error" not in err and "Traceback" not in err
