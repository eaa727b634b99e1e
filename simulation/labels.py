"""What things are called on a slide and on the screen: one name for each population, class,
pairing and intervention."""

from __future__ import annotations

from typing import Any

from simulation.model.parameters import PARAMETERS
from simulation.model.strange_situation import CLASS_NAMES, CLASSES

POPULATION_LABELS = {
    "consistent": "Consistent",
    "inconsistent": "Inconsistent",
    "rejecting": "Rejecting",
    "frightening": "Frightening",
    "normative": "Normative mix",
    "high_risk": "High-risk mix",
    "balanced": "Balanced mix",
    "spectrum": "Spectrum",
}


def population_label(caregivers: str, spectrum: float | None = None) -> str:
    """The name of a caregiver population; a spectrum population says where on it."""
    if caregivers == "spectrum" and spectrum is not None:
        return f"Spectrum {spectrum:.2f}"
    return POPULATION_LABELS.get(caregivers, caregivers)


def params_label(params: dict[str, Any]) -> str:
    """The population a parameter set describes (defaults where a value is not given)."""
    caregivers = params.get("caregivers", PARAMETERS["caregivers"].default)
    return population_label(caregivers, params.get("spectrum", PARAMETERS["spectrum"].default))


def class_label(cls: str) -> str:
    """'B secure', 'C resistant/ambivalent', ...: a class with its name."""
    return f"{cls} {CLASS_NAMES[cls]}"


def pairing_label(pairing: str) -> str:
    """The two partners' categories of a couple: 'dismissing+preoccupied' -> 'dismissing +
    preoccupied'."""
    return pairing.replace("+", " + ")


def intervention_label(name: str) -> str:
    """An intervention's name as a heading: 'cbt_therapy' -> 'CBT therapy'."""
    return name.replace("_", " ").capitalize().replace("Cbt", "CBT")


def years_label(years: float) -> str:
    """'1 year', '2 years', '1.5 years'."""
    return f"{years:g} year" + ("" if years == 1 else "s")


__all__ = [
    "CLASSES",
    "CLASS_NAMES",
    "POPULATION_LABELS",
    "class_label",
    "intervention_label",
    "pairing_label",
    "params_label",
    "population_label",
    "years_label",
]
