"""Every experiment's output at a small size is bit-identical to the record: a change meant to
leave results alone (moving code, renaming, a faster path) is proved to.

A change that is meant to alter results re-records them with ``python -m tests.golden.record
--update`` in a commit that says why.
"""

import json

from tests.golden.record import EXPERIMENTS, RECORD, measure_all


def test_experiment_outputs_match_the_record():
    record = json.loads(RECORD.read_text())
    assert set(record) == {*EXPERIMENTS, "models"}
    now = measure_all()
    assert now["models"] == record["models"], "single runs' tables changed"
    for name in EXPERIMENTS:
        assert now[name]["tables"] == record[name]["tables"], f"{name}: stored tables changed"
        assert now[name]["summary"] == record[name]["summary"], f"{name}: summary changed"
