import math

import pytest

from simulation.parameters import DEFAULTS, PARAMETERS, ParameterError, parse_assignment, validate


def test_defaults_are_valid_and_complete():
    checked = validate()
    assert checked == DEFAULTS
    for p in PARAMETERS.values():
        assert p.meaning and p.name
        if not p.choices:
            assert p.low < p.high
            assert p.default is None or p.low <= p.default <= p.high


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        (
            {"sensitivity": 1.5},
            "parameter 'sensitivity' = 1.5 is out of range: allowed a number from 0 to 1",
        ),
        ({"n_dyads": 0}, "'n_dyads' = 0 is out of range"),
        ({"n_dyads": 2.5}, "'n_dyads' = 2.5 is not a number: allowed an integer"),
        ({"learning_rate": "fast"}, "'learning_rate' = 'fast' is not a number"),
        ({"fear": math.nan}, "'fear' = nan is out of range"),
        ({"caregivers": "loving"}, "'caregivers' = 'loving' is unknown: allowed one of normative"),
        ({"wobble": 1}, "unknown parameter 'wobble': allowed n_dyads"),
        ({"n_dyads": None}, "'n_dyads' = None"),
    ],
)
def test_bad_values_get_one_line_errors_naming_parameter_value_and_range(values, fragment):
    with pytest.raises(ParameterError) as info:
        validate(values)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_values_are_converted_to_their_type():
    checked = validate({"n_dyads": "20", "sensitivity": "0.3", "fear": "none"})
    assert checked["n_dyads"] == 20 and isinstance(checked["n_dyads"], int)
    assert checked["sensitivity"] == 0.3
    assert checked["fear"] is None


def test_parse_assignment():
    assert parse_assignment("sensitivity=0.25") == ("sensitivity", 0.25)
    assert parse_assignment(" caregivers = rejecting ") == ("caregivers", "rejecting")
    with pytest.raises(ParameterError, match="not of the form name=value"):
        parse_assignment("sensitivity")
    with pytest.raises(ParameterError, match="unknown parameter 'sensitivty'"):
        parse_assignment("sensitivty=0.2")
