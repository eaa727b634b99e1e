"""The batch components: each run's own random streams, and the block draws that replaced one
binomial call per answer (the same distributions, drawn from uniforms or Poisson thinning)."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model.caregiving import answer_each_bid, answer_shares, respond_to_bids
from simulation.model.partners import Dispositions, perceived_experience, read_responses
from simulation.model.streams import Streams


def generators(seeds: list[int]) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in seeds]


# ---------------------------------------------------------------------- Streams
def test_a_run_draws_the_same_numbers_alone_and_in_a_batch():
    people = 5
    lam = np.linspace(0.5, 9.0, 3 * people)
    batch = Streams(generators([1, 2, 3]), people)
    alone = [Streams(generators([s]), people) for s in (1, 2, 3)]
    drawn = [
        batch.random((2, 3 * people)),
        batch.poisson(lam),
        batch.binomial(np.full(3 * people, 7), 0.3),
        batch.standard_normal(3 * people),
    ]
    for r, one in enumerate(alone):
        mine = slice(r * people, (r + 1) * people)
        np.testing.assert_array_equal(drawn[0][:, mine], one.random((2, people)))
        np.testing.assert_array_equal(drawn[1][mine], one.poisson(lam[mine]))
        np.testing.assert_array_equal(drawn[2][mine], one.binomial(np.full(people, 7), 0.3))
        np.testing.assert_array_equal(drawn[3][mine], one.standard_normal(people))


def test_draws_over_some_rows_go_run_by_run():
    batch = Streams(generators([4, 5, 6]), people=10)
    rows = np.array([1, 2, 25, 27, 28])  # two in run 0, none in run 1, three in run 2
    drawn = batch.over(batch.run_of(rows), lambda g, size: g.random(size), lead=(2,))
    assert drawn.shape == (2, 5)
    np.testing.assert_array_equal(drawn[:, :2], np.random.default_rng(4).random((2, 2)))
    np.testing.assert_array_equal(drawn[:, 2:], np.random.default_rng(6).random((2, 3)))


def test_a_draw_over_everyone_needs_everyone():
    with pytest.raises(ValueError, match="last axis of 20"):
        Streams(generators([1, 2]), people=10).random(10)


# ---------------------------------------------------------------------- the same distributions
N = 200_000  # dyads; a mean count of about 3 has an SE of about 0.004 here


def within(sample: np.ndarray, expected: float, ses: float = 4.0) -> bool:
    """A sample mean within ``ses`` standard errors of its expectation (4 SE: a false alarm
    about once in 16,000 checks)."""
    se = sample.std() / np.sqrt(len(sample))
    return abs(sample.mean() - expected) <= ses * se


def test_each_bid_answered_matches_the_binomial_answers():
    rng = np.random.default_rng(11)
    bids = rng.poisson(6.0, N)
    intensity, availability = np.full(N, 1.3), np.full(N, 0.55)
    rejection, fear, soothability = np.full(N, 0.4), np.full(N, 0.02), np.full(N, 0.7)
    shares = answer_shares(intensity, availability, rejection, fear)
    u = rng.random(int(bids.sum()))
    frightened, comforted, rebuffed, missed, settled = answer_each_bid(
        bids, shares, soothability, u
    )
    assert (frightened + comforted + rebuffed + missed == bids).all()
    old = respond_to_bids(bids, intensity, availability, rejection, fear, rng)
    old_settled = rng.binomial(old.comforted, soothability)
    for new, before in (
        (frightened, old.frightened),
        (comforted, old.comforted),
        (rebuffed, old.rebuffed),
        (missed, old.missed),
        (settled, old_settled),
    ):
        # both unbiased for the same mean: compare each with the other's mean, and the spread
        assert within(new, before.mean(), 5.0) and within(before, new.mean(), 5.0)
        assert new.var() == pytest.approx(before.var(), rel=0.03)
    p_comfort = (1 - 0.02) * (1 - 0.45**1.3)
    assert within(comforted, 6.0 * p_comfort)


def dispositions(n: int, anxiety: float, self_model: float) -> Dispositions:
    zeros = np.zeros(n)
    return Dispositions(
        hyper=zeros,
        deact=zeros,
        conflict=zeros,
        anxiety=np.full(n, anxiety),
        avoidance=zeros,
        self_model=np.full(n, self_model),
        intensity=np.ones(n),
    )


def test_poisson_thinned_experience_matches_bids_answered_and_read_one_by_one():
    rng = np.random.default_rng(12)
    lam, availability, rejection, fear, soothability = 40.0, 0.6, 0.3, 0.01, 0.8
    d = dispositions(N, anxiety=0.35, self_model=0.6)
    shares = answer_shares(d.intensity, np.full(N, availability), rejection, fear)
    new = perceived_experience(lam * shares, d, soothability, rng)
    # the chain it replaces: Poisson bids, binomial answers, binomial readings, settling
    bids = rng.poisson(lam, N)
    care = respond_to_bids(
        bids, d.intensity, np.full(N, availability), np.full(N, rejection), np.full(N, fear), rng
    )
    believed, missed, abandoned = read_responses(care.comforted, care.missed, d, rng)
    soothed = rng.binomial(believed, soothability)
    for name, before in (
        ("bids", bids),
        ("comforted", care.comforted),
        ("soothed", soothed),
        ("missed", missed),
        ("abandoned", abandoned),
        ("rebuffed", care.rebuffed),
        ("frightened", care.frightened),
    ):
        drawn = getattr(new, name)
        assert within(drawn, before.mean(), 5.0), name
        assert drawn.var() == pytest.approx(before.var(), rel=0.03), name
    # thinning makes the kinds of answer independent, as they are in the chain
    chain_r = np.corrcoef(care.comforted, care.rebuffed)[0, 1]
    new_r = np.corrcoef(new.comforted, new.rebuffed)[0, 1]
    assert abs(new_r - chain_r) < 4 * np.sqrt(2 / N)  # 4 SE of a difference of two r near 0
