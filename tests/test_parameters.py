import math

import pytest

from simulation.model.parameters import (
    DEFAULTS,
    PARAMETERS,
    ParameterError,
    parse_assignment,
    validate,
)


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


# ---------------------------------------------------------------------- interventions, generations
NEW_NUMBERS = (
    "intervention_share",
    "intervention_age",
    "intervention_weeks",
    "intervention_dose",
    "generations",
    "parent_age_min",
    "parent_age_max",
    "transmission_noise",
)


def one_line_error(**values):
    with pytest.raises(ParameterError) as info:
        validate(values)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("name", NEW_NUMBERS)
def test_new_numbers_out_of_range_are_named_with_their_value(name):
    p = PARAMETERS[name]
    for value in (p.low - 1, p.high + 1):
        message = one_line_error(**{name: value})
        assert f"parameter '{name}' = {value!r} is out of range" in message
        assert "allowed" in message
    message = one_line_error(**{name: "lots"})
    assert f"parameter '{name}' = 'lots' is not a number" in message
    # both ends of the range are allowed, with other parameters that let them fit
    fitting = {
        "generations": {"horizon_years": 35},
        "parent_age_min": {"parent_age_max": 60},
        "parent_age_max": {"parent_age_min": 18},
    }.get(name, {})
    for value in (p.low, p.high):
        assert validate({name: value, **fitting})[name] == value


@pytest.mark.parametrize("name", ["intervention_weeks", "generations"])
def test_counts_must_be_whole(name):
    message = one_line_error(**{name: 2.5})
    assert f"parameter '{name}' = 2.5 is not a number: allowed an integer" in message


@pytest.mark.parametrize(
    ("name", "value"), [("intervention", "hugs"), ("intervention_target", "happy")]
)
def test_unknown_intervention_choices_are_named(name, value):
    message = one_line_error(**{name: value})
    assert f"parameter '{name}' = {value!r} is unknown: allowed one of" in message
    for choice in PARAMETERS[name].choices:
        assert choice in message


def test_intervention_none_is_a_choice_not_a_missing_value():
    assert validate(intervention="none")["intervention"] == "none"
    # a missing value is not the choice "none": the parameter has no unset state
    assert "parameter 'intervention' = None: allowed one of none" in one_line_error(
        intervention=None
    )
    assert parse_assignment("intervention=none") == ("intervention", "none")
    assert DEFAULTS["intervention"] == "none"
    for intervention in PARAMETERS["intervention"].choices:
        if intervention not in ("none", "caregiver_sensitivity"):
            assert validate(intervention=intervention)["intervention"] == intervention


def test_intervention_none_ignores_the_intervention_settings():
    # nothing is given, so nothing about when or to whom has to fit
    checked = validate(intervention="none", intervention_age=0.0, intervention_target="secure")
    assert checked["intervention_age"] == 0.0


@pytest.mark.parametrize(
    ("values", "name", "value"),
    [
        ({"parent_age_min": 40, "parent_age_max": 35}, "parent_age_min", 40.0),
        ({"generations": 2, "horizon_years": 30}, "horizon_years", 30),
        ({"generations": 3, "horizon_years": 39, "parent_age_max": 40}, "horizon_years", 39),
        (
            {"intervention": "caregiver_sensitivity", "intervention_age": 0.75},
            "intervention_age",
            0.75,
        ),
        (
            {
                "intervention": "caregiver_sensitivity",
                "intervention_age": 0.25,
                "intervention_target": "insecure",
            },
            "intervention_target",
            "insecure",
        ),
        ({"intervention": "attachment_therapy", "intervention_age": 10}, "intervention_age", 10.0),
        ({"intervention": "boundaries", "intervention_age": 17.9}, "intervention_age", 17.9),
        # starts at 25, lasts 26 weeks (ends 25.5), measured 1 year later at 26.5: 26 is short
        ({"intervention": "cbt_therapy", "horizon_years": 26}, "horizon_years", 26),
        # starts at 60, lasts 10 years: ends at 70, measured at 71
        (
            {
                "intervention": "self_awareness",
                "intervention_age": 60,
                "intervention_weeks": 520,
                "horizon_years": 70,
            },
            "horizon_years",
            70,
        ),
    ],
)
def test_parameters_that_do_not_fit_together_name_the_one_to_change(values, name, value):
    message = one_line_error(**values)
    assert message.startswith(f"parameter '{name}' = {value!r} does not fit")


@pytest.mark.parametrize(
    "values",
    [
        {"parent_age_min": 35, "parent_age_max": 35},
        {"generations": 2, "horizon_years": 35},  # every parent lives to the last birth
        {"intervention": "caregiver_sensitivity", "intervention_age": 0.5},
        {"intervention": "caregiver_sensitivity", "intervention_age": 0.0},
        {"intervention": "attachment_therapy", "intervention_age": 18},
        {"intervention": "cbt_therapy", "horizon_years": 27},  # 26.5 needed
        {
            "intervention": "self_awareness",
            "intervention_age": 60,
            "intervention_weeks": 520,
            "horizon_years": 71,
        },
        {"intervention": "secure_partner", "intervention_target": "fearful"},
    ],
)
def test_parameters_that_fit_together_are_accepted(values):
    checked = validate(values)
    for name, value in values.items():
        assert checked[name] == value
