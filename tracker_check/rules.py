"""The one registry of finding codes.

docs/findings.md and the README's code table are generated from RULES
(`python -m tracker_check.rules > docs/findings.md`); a test fails when they are stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker_check.models import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    slug: str
    severity: Severity
    summary: str
    doc: str


E, W = Severity.ERROR, Severity.WARNING

_RULES: tuple[Rule, ...] = (
    Rule(
        "missing-event",
        E,
        "An event a flow step expects never fired.",
        "A step's `expect` (or a `wait: {event: ...}`) names an event that did not arrive within "
        "the step timeout (default 5 s). Typical cause: a renamed button, CSS class or id, so the "
        "click handler that pushes the event is no longer attached.",
    ),
    Rule(
        "unplanned-event",
        E,
        "An event fired that the tracking plan does not define.",
        "Every event name seen must be defined under `events:`. The severity follows "
        "`settings.unplanned_events` (error, warn or ignore). `gtm.*` events (gtm.js, gtm.dom, "
        "gtm.load, ...) never count. A typo in an event name shows up here.",
    ),
    Rule(
        "missing-parameter",
        E,
        "A required parameter is absent from an event.",
        "Parameters listed in the plan are required unless marked `optional: true`; nested "
        "`required` lists of JSON Schema apply too. The pointer names the object that lacks it.",
    ),
    Rule(
        "invalid-parameter",
        E,
        "A parameter has the wrong type, value, format or range.",
        "The value at the JSON pointer breaks its JSON Schema fragment: type, enum, const, "
        "pattern, minimum/maximum, length or item count. The finding shows the expected "
        'constraint and the actual value (for example `price` sent as the string "19.99").',
    ),
    Rule(
        "unexpected-parameter",
        W,
        "An event carries a parameter the plan does not list.",
        "Controlled by `settings.additional_parameters` and the per-event "
        "`additional_parameters` override (error, warn or ignore). Often a developer's debug "
        "field, or PII that must not reach analytics.",
    ),
    Rule(
        "deprecated-event",
        W,
        "An event marked `deprecated` in the plan still fires.",
        "The plan keeps the event so old data stays documented, but code should no longer push "
        "it. The message carries the plan's deprecation note (for example `use sign_up`).",
    ),
    Rule(
        "duplicate-event",
        E,
        "The same `unique` value was seen twice in one run.",
        "An event's `unique` paths (for example `ecommerce.transaction_id`) must not repeat "
        "within a run; a purchase pushed twice doubles revenue in reports.",
    ),
    Rule(
        "count-mismatch",
        E,
        "An event fired more or fewer times than the step expects.",
        "A step expectation with `count`, `min` or `max` was not met. Counts are judged once "
        "the page has settled (`settings.settle: auto`: no timer due, request in flight, "
        "animation or media running, nothing pushed while the page was asked), so a duplicate "
        "fired a second after the first, or after a slow request, is seen.",
    ),
    Rule(
        "sequence",
        E,
        "Events fired out of the order the flow expects.",
        "A flow's `expect.sequence` lists events that must occur in this relative order "
        "(other events may come between them). The finding names the first pair out of order or "
        "the event missing from the sequence.",
    ),
    Rule(
        "forbidden-event",
        E,
        "An event listed in a flow's `forbid` fired.",
        "Use `forbid` for events that must not happen in a flow, such as a `purchase` on a page "
        "view or a `sign_up` when the form was only opened.",
    ),
    Rule(
        "value-mismatch",
        E,
        "An expected event fired but a `where` value differs.",
        "A step expectation's `where` assertions compare dotted paths of the event "
        "(`ecommerce.items.0.item_id`) with values, which may use `${vars.X}`/`${env.X}`. The "
        "finding shows the expected and the actual value of the closest matching event.",
    ),
    Rule(
        "gtag-array-command",
        E,
        "A gtag command was pushed as a plain array; gtag.js ignores it.",
        "gtag.js only processes `arguments` objects. Code such as "
        "`const gtag = (...a) => dataLayer.push(a)` pushes a real array, which Google tags "
        "silently drop. Define gtag as `function gtag(){dataLayer.push(arguments);}`.",
    ),
    Rule(
        "stale-model-data",
        E,
        "An ecommerce event's items leak from an earlier push.",
        "GTM merges pushes into one data model, index by index for arrays. Without a "
        "`{ecommerce: null}` push before each ecommerce event, items of an earlier event stay "
        "in the model and GA4 tags read them. The finding shows the items in the model versus "
        "the items in the event's own push.",
    ),
    Rule(
        "consent",
        E,
        "Tracking ran without the consent state the plan requires.",
        "With `settings.consent: required` (or `consent: {mode: required}`), every page must "
        "push `gtag('consent', 'default', {...})` before its first planned event. An event that "
        "fires before any consent default on its page is reported here. The other consent "
        "rules have their own `consent-*` codes (docs/consent.md).",
    ),
    Rule(
        "step-failed",
        E,
        "A flow step could not be performed.",
        "The selector was not found, the navigation failed, the page crashed or the step "
        "timed out. The flow stops at this step (other flows go on); the finding carries "
        "Playwright's message and a screenshot when one could be taken.",
    ),
    Rule(
        "page-error",
        W,
        "The page threw an uncaught JavaScript error.",
        "An exception escaped the page's scripts during a flow. Tracking code that throws "
        "often stops the pushes after it.",
    ),
    Rule(
        "capture-bypassed",
        E,
        "The page wrote to the data layer without `push`.",
        "After a step the array held more items than the pushes seen: the page assigned by "
        "index, or defined its own `push` over the one in place (`Object.defineProperty`) or "
        "deleted it. GTM does not see such writes either. (A `push` assigned with `=`, as GTM, "
        "Adobe's data layer and Matomo do, is captured.) The "
        "missed items are recovered from the array and shown in the finding.",
    ),
    Rule(
        "settle-cap",
        W,
        "The page never settled: counts and the flow's end were judged at the cap.",
        "With `settings.settle: auto` the runner waits until nothing the page scheduled can "
        "still push. A page that keeps pushing, polls, or holds a request open is judged once "
        "`settings.settle_cap` (default 2 s) has passed; the message says what was still "
        "pending. A push due later than that is not waited for. Reported once per flow.",
    ),
    Rule(
        "capture-error",
        E,
        "A message from the page's capture hook could not be read.",
        "The in-page hook sends every push as one versioned message; one that is not JSON, has "
        "another version or lacks a field is dropped and reported here (with the reason and "
        "where in the message), never a crash. Its pushes are missing from the run. Typical "
        "cause: a page script calling the hook's binding itself, or a hook and a tracker-check "
        "of different versions.",
    ),
    Rule(
        "plan-error",
        E,
        "The tracking plan itself is invalid.",
        "Reported by `tracker-check lint`, and when `run`, `validate` or `record` load a plan, "
        "before anything runs: every problem at once, sorted, each at file:line:col with a "
        "hint. YAML: syntax (tabs, unclosed quotes or brackets, indentation), duplicate keys, "
        "one document per file, no tags, aliases that contain themselves or expand too far. "
        "The plan's schema: `version: 1`, missing required keys, unknown keys everywhere and "
        "unknown JSON Schema keywords in parameters (with a did-you-mean hint), wrong types "
        "and enum values (with the allowed values), `weight` of 0 or more, durations. Beyond "
        "the schema: a `stage` not in `funnel`; a dangling `$ref` (to `definitions`, to the "
        "built-in `ga4#` definitions, or a pointer into one that is not there); a `pattern` or "
        "`patternProperties` key the validator refuses (not ECMA-262, or one that Python's "
        "`re` or `jsonschema_rs` cannot compile); a step with no action or two; a `wait` "
        "with none or several of event, selector and ms; flows naming events the plan does not "
        "define (`expect`, `wait`, `sequence`, `forbid`); duplicate flow names; `unique` paths "
        "no parameter defines; an expectation with `count` and `min`/`max`, or `min` above "
        "`max`; `${vars.X}` the flow does not define and any other `${...}` form. "
        "Also the data layers and `match:` rules: a layer listed twice, a `match` on a source "
        "whose kind no data layer has, `command` on a source other than Matomo, `event` on "
        "Matomo, a Matomo command that is not a tracking call.",
    ),
    Rule(
        "matomo-argument",
        E,
        "A Matomo `_paq` call breaks the tracker's documented argument rules.",
        "Checked on every `_paq` command, planned or not: `trackEvent` needs a non-empty "
        "`category` and `action` (Matomo drops the event otherwise) and a numeric `value`; "
        "`trackGoal` a numeric goal id; `trackEcommerceOrder` an `orderId` and a numeric "
        "`grandTotal` (numeric `subTotal`, `tax`, `shipping`, `discount` when given); "
        "`trackEcommerceCartUpdate` a numeric `grandTotal`; `addEcommerceItem` a non-empty "
        "`sku`, a string `name`, a `category` string or up to 5 strings, numeric `price` and "
        "`quantity` (only the SKU is required: Matomo defaults the rest); `setEcommerceView` a "
        "numeric `price`; `setCustomDimension` a positive integer id. The pointer names the "
        "argument; a JavaScript number is expected where Matomo says number, not a string.",
    ),
)

_RULES += (
    Rule(
        "consent-order",
        E,
        "Tracking started before the page's Consent Mode default.",
        "Google Consent Mode needs `gtag('consent', 'default', {...})` before `gtm.js`, any "
        "gtag `config` and any planned event, on every page (document). With the plan's "
        "`consent:` section in `mode: auto` (its default) this is checked on pages that use "
        "Consent Mode at all (the finding comes when the late default arrives and names what "
        "ran first); `mode: required` asks it of every page. An `update` with no `default` "
        "before it on its page (typical of a return visit whose stored choice is replayed "
        "too early) is reported here too. See docs/consent.md.",
    ),
    Rule(
        "consent-purposes",
        W,
        "A Consent Mode default leaves a v2 purpose unset.",
        "The default should set all four Consent Mode v2 purposes: `ad_storage`, "
        "`analytics_storage`, `ad_user_data` and `ad_personalization`. A missing "
        "`ad_user_data` or `ad_personalization` is a warning; a missing `ad_storage` or "
        "`analytics_storage` an error, since an unset purpose counts as granted. Judged at the "
        "page's first record after its defaults, so a default split in two pushes is fine.",
    ),
    Rule(
        "consent-denied",
        E,
        "A planned event fired while a purpose it needs was not granted.",
        "An event's `consent: [analytics_storage, ...]` in the plan lists the purposes it "
        "needs. Firing while one of them is denied or unset in the page's consent state "
        "(Consent Mode default and updates) is reported, with the state at that push.",
    ),
    Rule(
        "consent-override",
        E,
        "The page granted a purpose the user denied.",
        "In a flow run under the `deny` or `ignore` consent choice (see the consent matrix in "
        "docs/consent.md), a Consent Mode `default` or `update` that grants one of "
        "`consent.deny_purposes` (default: the four v2 purposes), or a Matomo "
        "`setConsentGiven`/`setCookieConsentGiven`, overrides the user's choice.",
    ),
    Rule(
        "consent-cookie",
        E,
        "A tracking cookie was written while its purpose was not granted.",
        "After each step the browser's cookies are read. A new or changed tracking cookie "
        "(`_ga*`, `_gid`, `_gcl_*`, `_fbp`, `_uetsid`, `_pk_*`, ... plus the plan's "
        "`consent.cookies`) is reported with the step that wrote it when its purpose was not "
        "granted then: denied or unset in Consent Mode on a page that uses it, Matomo cookie "
        "consent not given where Matomo asks for it, or, on a page with neither, a flow run "
        "under the `deny` or `ignore` choice. Cookies given in a flow's `storage` do not count "
        "until they change.",
    ),
    Rule(
        "consent-request",
        E,
        "A request to an analytics or ads collector was attempted without consent.",
        "Requests to known collectors (Google Analytics and Ads, Meta, Microsoft Ads, Matomo, "
        "plus the plan's `consent.collectors`) are seen even when blocked. One attempted while "
        "its purpose was denied is reported. Google hits that carry their own consent state "
        "(`gcs=G100`: a cookieless ping of Consent Mode's advanced setup) only count when they "
        "claim a purpose the page denied; Matomo requests only where Matomo asks for consent.",
    ),
    Rule(
        "pii",
        E,
        "Personal data (an e-mail address, phone number, IBAN or card number) was pushed.",
        "Every string pushed to a data layer, and every page URL's query string, is searched "
        "for e-mail addresses, international phone numbers (and any number under a key named "
        "like phone/tel/mobile), IBANs (with their check digits) and payment card numbers "
        "(with a valid Luhn sum and a known card prefix). Hashes (a SHA-256 hex string) are "
        "never personal data here. The value is masked in every report. `privacy.allow` lists "
        "dotted paths never reported (`user_data.*`), `privacy.patterns` adds the plan's own "
        "regular expressions, `privacy.pii` sets the severity (error, warn) or turns it off.",
    ),
)

RULES: dict[str, Rule] = {r.slug: r for r in _RULES}


def rule(slug: str) -> Rule:
    """The rule for `slug`; KeyError for a code that is not registered (a programming error)."""
    return RULES[slug]


def findings_table() -> str:
    """The code table shown in docs/findings.md and the README."""
    lines = ["| code | severity | summary |", "| --- | --- | --- |"]
    lines += [f"| `{r.slug}` | {r.severity.value} | {r.summary} |" for r in _RULES]
    return "\n".join(lines) + "\n"


def readme_with_table(readme: str) -> str:
    """`readme` with the block between the findings-table markers regenerated."""
    start = readme.index("<!-- findings-table:start")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- findings-table:end -->")
    return readme[:start] + findings_table() + readme[end:]


def findings_markdown() -> str:
    """docs/findings.md, generated."""
    lines = [
        "# Finding codes",
        "",
        "<!-- generated by `python -m tracker_check.rules`; do not edit -->",
        "",
        "Every problem tracker-check reports carries one of these stable codes. The JSON report's",
        "`findings[].code` is this slug. Severity is the default; plan settings can change some.",
        "",
        "| code | severity | summary |",
        "| --- | --- | --- |",
    ]
    lines += [f"| [`{r.slug}`](#{r.slug}) | {r.severity.value} | {r.summary} |" for r in _RULES]
    for r in _RULES:
        lines += [
            "",
            f"## {r.slug}",
            "",
            f"*Default severity: {r.severity.value}.* {r.summary}",
            "",
            r.doc,
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(findings_markdown(), end="")
