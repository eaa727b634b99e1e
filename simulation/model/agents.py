"""Mesa agents: caregivers and the people they raise (infants who grow up).

The agents are thin: their state lives in the model's per-dyad arrays so that one day of care is
computed for all dyads at once by the plain functions in ``caregiving`` and ``working_model``.
Each agent reads its own row, so scripts and the demo can still inspect people one at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from simulation.model.working_model import WorkingModel, anxiety, avoidance, strategy

if TYPE_CHECKING:
    from simulation.model.attachment_model import AttachmentModel


class Caregiver(Agent):
    """A primary caregiver; its dimensions are one row of ``model.caregiver_traits``."""

    model: AttachmentModel

    def __init__(self, model: AttachmentModel, index: int, style: str) -> None:
        super().__init__(model)
        self.index = index
        self.style = style  # preset name, or the preset this caregiver most resembles

    @property
    def traits(self) -> dict[str, float]:
        return self.model.caregiver_traits.row(self.index)

    @property
    def sensitivity(self) -> float:
        return float(self.model.caregiver_traits.sensitivity[self.index])


class Person(Agent):
    """An infant who bids for comfort, learns a working model from the answers, grows up and
    carries that model into adult relationships."""

    model: AttachmentModel

    def __init__(self, model: AttachmentModel, index: int, caregiver: Caregiver) -> None:
        super().__init__(model)
        self.index = index
        self.caregiver = caregiver
        self.lost_caregiver: Caregiver | None = None

    @property
    def working_model(self) -> dict[str, float]:
        return self.model.working_model.row(self.index)

    @property
    def reactivity(self) -> float:
        return float(self.model.reactivity[self.index])

    @property
    def soothability(self) -> float:
        return float(self.model.soothability[self.index])

    @property
    def anxiety(self) -> float:
        return float(anxiety(self._own_model())[0])

    @property
    def avoidance(self) -> float:
        return float(avoidance(self._own_model())[0])

    @property
    def strategy(self) -> dict[str, float]:
        s = strategy(self._own_model())
        return {k: float(v[0]) for k, v in vars(s).items()}

    @property
    def attachment_class(self) -> str | None:
        """Strange Situation class, once the procedure has been run (None before)."""
        ssp = self.model.ssp
        return None if ssp is None else str(ssp.attachment_class[self.index])

    def _own_model(self) -> WorkingModel:
        return self.model.working_model.select(slice(self.index, self.index + 1))

    @property
    def age_years(self) -> float:
        return self.model.age_years

    @property
    def partner(self) -> Person | None:
        """The current partner (adults), or None."""
        j = int(self.model.partner[self.index])
        return None if j < 0 else self.model.people[j]

    @property
    def category(self) -> str:
        """Bartholomew category from anxiety and avoidance now (fixed cut-offs)."""
        return str(self.model.categories()[self.index])
