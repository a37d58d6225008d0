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
