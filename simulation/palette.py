"""The project's one palette (Okabe & Ito 2008, colour-blind safe), for matplotlib figures and the
demo's Vega views alike: the same colour means the same thing on a slide and on the screen.

Each infant class, its adult counterpart and the caregiver preset that mainly produces it share
one colour: B / secure / consistent blue; A / dismissing / rejecting orange; C / preoccupied /
inconsistent bluish green; D / fearful / frightening vermillion. Everything else a figure
marks takes a colour from here too, by what it means (a trial arm, an outcome, a life stage,
a behaviour in a couple's story); figures add only neutral greys for ink and grid lines.
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
# Trial arms: two colours no class, category, style or population uses (sky blue also marks a
# couple with one secure partner, on another figure).
ARM_COLOURS = {"treated": SKY_BLUE, "control": GREY}
# Questionnaire outcomes take the colour of the category they mark at their high end.
OUTCOME_COLOURS = {"anxiety": BLUISH_GREEN, "avoidance": ORANGE, "satisfaction": BLUE}
REFERENCE_COLOUR = DARK_GREY  # a published figure drawn beside the model's
# The two ways a working model carries forward (the life_course experiment's curves).
CONTINUITY_COLOURS = {"prototype": BLACK, "revisionist": REDDISH_PURPLE}
# Background bands naming the life stages, from white to light grey.
STAGE_SHADES = {"childhood": "#FFFFFF", "adolescence": "#F2F2F2", "adulthood": "#E6E6E6"}
# Couples by how many of the two partners are secure: secure blue, one of two a lighter blue,
# neither the colour of insecure as a whole.
PAIRING_COLOURS = {2: BLUE, 1: SKY_BLUE, 0: SECURITY_COLOURS["insecure"]}
# One couple's week-by-week story: what each partner did. A comforting answer has the colour of
# security, a withdrawal vermillion, a louder bid black; a pursuer-withdrawer week is highlighted.
STORY_COLOURS = {
    "comforted": BLUE,
    "withdrew": VERMILLION,
    "read_as_rejection": "#737373",  # a mid grey: nothing was done, the silence was read
    "escalated": BLACK,
    "pushed_away": REDDISH_PURPLE,
    "pursuer_withdrawer": YELLOW,
}
