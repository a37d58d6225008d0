"""`${env.X}` / `${vars.X}` substitution used by steps and `where` values."""

from __future__ import annotations

import pytest

from tracker_check.flows.variables import UnknownVariable, Variables


def test_substitutes_nested_values_and_collects_env_secrets() -> None:
    v = Variables({"sku": "SKU-1", "mail": "${env.USER_MAIL}"}, {"USER_MAIL": "a@b.c"})
    assert v.sub({"where": {"id": "${vars.sku}", "n": 3}, "l": ["x-${vars.mail}"]}) == {
        "where": {"id": "SKU-1", "n": 3},
        "l": ["x-a@b.c"],
    }
    assert v.secrets == {"a@b.c"}


def test_vars_are_not_secrets() -> None:
    v = Variables({"sku": "SKU-1"}, {})
    assert v.sub("${vars.sku}") == "SKU-1"
    assert v.secrets == set()


def test_unknown_env_variable_has_hint() -> None:
    with pytest.raises(UnknownVariable) as err:
        Variables({}, {}).sub("${env.TEST_EMAIL}")
    assert str(err.value) == "unknown variable ${env.TEST_EMAIL}"
    assert "TEST_EMAIL" in err.value.hint


def test_unknown_flow_var_lists_defined_ones() -> None:
    with pytest.raises(UnknownVariable) as err:
        Variables({"a": "1"}, {}).sub("${vars.b}")
    assert err.value.hint == "define b under the flow's vars: (defined: a)"


def test_other_dollar_text_is_kept() -> None:
    assert Variables({}, {}).sub("costs $5 ${unknown.x}") == "costs $5 ${unknown.x}"


def test_a_typed_step_is_substituted_in_its_text_fields_and_where_values() -> None:
    from tracker_check.plan.model import Expectation
    from tracker_check.plan.steps import Fill, Select

    v = Variables({"sku": "SKU-1"}, {"PW": "hunter2"})
    step = Fill(
        "#${vars.sku}", "${env.PW}", expect=(Expectation("e", where={"id": "${vars.sku}"}),)
    )
    done = v.step(step)
    assert (done.selector, done.value) == ("#SKU-1", "hunter2")
    assert done.expect[0].where == {"id": "SKU-1"}
    assert v.secrets == {"hunter2"}
    plain = Select("#s", ("a", "${vars.sku}"))
    assert v.step(plain).value == ("a", "SKU-1")
    untouched = Fill("#q", "x")
    assert v.step(untouched) is untouched  # nothing to substitute: the same object
