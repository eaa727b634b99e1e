"""The model keeps Mesa's conventions: ``Model(rng=...)``, ``run_for``, the DataCollector, agents
that are views of the arrays, and nothing kept alive after a Reset removes the agents."""

import gc
import weakref

import numpy as np

from simulation.model import AttachmentModel
from simulation.model.agents import Caregiver, Person


def test_run_for_is_the_same_as_stepping_and_the_datacollector_has_a_row_per_step():
    stepped = AttachmentModel(rng=5, n_dyads=15, horizon_years=2)
    for _ in range(400):
        stepped.step()
    ran = AttachmentModel(rng=5, n_dyads=15, horizon_years=2)
    ran.run_for(400)
    np.testing.assert_array_equal(
        stepped.population.working_model.alarm, ran.population.working_model.alarm
    )
    frame = ran.datacollector.get_model_vars_dataframe()
    assert len(frame) == 401  # the state at birth, then one row per step
    assert frame["day"].iloc[-1] == ran.day


def test_agents_read_their_own_row_of_the_arrays():
    model = AttachmentModel(rng=2, n_dyads=12)
    model.run_for(model.days)
    people = model.agents_by_type[Person]
    assert len(people) == 12
    for person in people:
        i = person.index
        assert person.attachment_class == model.ssp.attachment_class[i]
        assert person.working_model["alarm"] == model.population.working_model.alarm[i]
        assert person.caregiver.traits == model.population.caregivers.row(i)


def test_a_lost_caregiver_leaves_the_model_and_a_new_agent_arrives():
    model = AttachmentModel(rng=4, n_dyads=40, disruption=1.0)
    model.run_for(model.days)
    caregivers = model.agents_by_type[Caregiver]
    assert len(caregivers) == 40  # one caregiver each, the lost ones gone
    for person in model.agents_by_type[Person]:
        assert person.lost_caregiver is not None
        assert person.lost_caregiver not in caregivers and person.caregiver in caregivers


def test_the_model_is_freed_after_its_agents_are_removed():
    model = AttachmentModel(rng=1, n_dyads=10, horizon_years=20)
    model.run_for(400)
    ref = weakref.ref(model)
    model.remove_all_agents()
    del model
    gc.collect()
    assert ref() is None
