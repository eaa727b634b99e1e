"""Mesa agents: caregivers and the people they raise, each a view of one row of the model's arrays.

The model is vectorised: what a person does (bids for comfort, learns, meets a partner) is
computed for everyone at once by the stage components (``infancy``, ``childhood``,
``adulthood``, ``couples``), so the agents are not stepped. They let a script look at one person
or caregiver at a time (``model.people[i]``, ``model.agents_by_type[Person]``).
"""

from __future__ import annotations

from typing import Any

from mesa import Agent

from simulation.model.working_model import WorkingModel, anxiety, avoidance


class Caregiver(Agent):
    """A primary caregiver: its dimensions are one row of the population's caregivers (the care
    itself is given in ``infancy`` and ``childhood``). A new caregiver is a new agent."""

    model: Any  # the AttachmentModel (not imported here: it imports this module)

    def __init__(self, model: Any, index: int, style: str) -> None:
        super().__init__(model)
        self.index = index  # the row of the person this caregiver raises
        self.style = style  # preset name, or the preset this caregiver most resembles

    @property
    def traits(self) -> dict[str, float]:
        """Sensitivity, consistency, rejection, fear, neglect and disruption now (the row of the
        person's current caregiver: read it while this one is)."""
        return self.model.population.caregivers.row(self.index)


class Person(Agent):
    """An infant who bids for comfort, learns a working model from the answers (``infancy``,
    ``childhood``), grows up and carries that model into adult relationships (``adulthood``,
    ``couples``)."""

    model: Any  # the AttachmentModel

    def __init__(self, model: Any, index: int, caregiver: Caregiver) -> None:
        super().__init__(model)
        self.index = index
        self.caregiver = caregiver
        self.lost_caregiver: Caregiver | None = None  # a caregiver lost in the first year

    def lose_caregiver(self) -> None:
        """The caregiver leaves the model (a new one arrives after a gap)."""
        self.lost_caregiver = self.caregiver
        self.caregiver.remove()

    @property
    def working_model(self) -> dict[str, float]:
        """Expectations of others and of self, uncertainty, suppression and alarm now."""
        return self.model.population.working_model.row(self.index)

    @property
    def anxiety(self) -> float:
        return float(anxiety(self._own_model())[0])

    @property
    def avoidance(self) -> float:
        return float(avoidance(self._own_model())[0])

    @property
    def attachment_class(self) -> str | None:
        """Strange Situation class, once the procedure has been run (None before)."""
        ssp = self.model.ssp
        return None if ssp is None else str(ssp.attachment_class[self.index])

    def _own_model(self) -> WorkingModel:
        i = self.index
        return self.model.population.working_model.select(slice(i, i + 1))
