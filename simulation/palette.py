"""The project's one palette (Okabe & Ito 2008, colour-blind safe), for matplotlib figures and the
demo's Vega views alike: the same colour means the same thing on a slide and on the screen.

Each infant class, its adult counterpart and the caregiver preset that mainly produces it share
one colour: B / secure / consistent blue; A / dismissing / rejecting orange; C / preoccupied /
inconsistent bluish green; D / fearful / frightening vermillion.
"""

from __future__ import annotations

BLUE = "#0072B2"
ORANGE = "#E69F00"
BLUISH_GREEN = "#009E73"
VERMILLION = "#D55E00"
BLACK = "#000000"
REDDISH_PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
YELLOW = "#F0E442"  # only as a background highlight: too light for lines on white
GREY = "#999999"  # neutral: the control arm, reference bands
DARK_GREY = "#555555"  # neutral: published references, insecure as a whole, other mixes

CLASS_COLOURS = {"A": ORANGE, "B": BLUE, "C": BLUISH_GREEN, "D": VERMILLION}
CATEGORY_COLOURS = {
    "secure": BLUE,
    "dismissing": ORANGE,
    "preoccupied": BLUISH_GREEN,
    "fearful": VERMILLION,
}
STYLE_COLOURS = {
    "consistent": BLUE,
    "rejecting": ORANGE,
    "inconsistent": BLUISH_GREEN,
    "frightening": VERMILLION,
}
POPULATION_COLOURS = {
    **STYLE_COLOURS,
    "normative": BLACK,
    "high_risk": REDDISH_PURPLE,
    "balanced": DARK_GREY,  # mixes of the presets: a neutral colour
    "spectrum": DARK_GREY,
}
SECURITY_COLOURS = {"secure": BLUE, "insecure": DARK_GREY}
# Trial arms: two colours none of the above uses.
ARM_COLOURS = {"treated": SKY_BLUE, "control": GREY}
# Questionnaire outcomes take the colour of the category they mark at their high end.
OUTCOME_COLOURS = {"anxiety": BLUISH_GREEN, "avoidance": ORANGE, "satisfaction": BLUE}
REFERENCE_COLOUR = DARK_GREY  # a published figure drawn beside the model's
