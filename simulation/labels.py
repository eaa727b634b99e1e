"""What things are called on a slide and on the screen: one name for each population and class."""

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


__all__ = [
    "CLASSES",
    "CLASS_NAMES",
    "POPULATION_LABELS",
    "class_label",
    "params_label",
    "population_label",
]
