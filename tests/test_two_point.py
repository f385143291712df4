"""Two-point step-size adaptation (ovlr_bbo/two_point.py) in the generator engine."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from ovlr_bbo.generator_search import TPA_MIN_DIM, GeneratorSearch
from ovlr_bbo.spaces import Box
from ovlr_bbo.two_point import TwoPointAdaptation


def sphere_rows(X: np.ndarray, optimum: float = 1.0) -> list[float]:
    return list(((X - optimum) ** 2).sum(axis=1))


def test_the_pair_lies_along_the_last_mean_shift_and_mirrors_itself():
    opt = GeneratorSearch(Box(dimension=TPA_MIN_DIM), seed=1)  # unbounded: nothing clipped
    assert opt.step_size == "tpa" and opt.form == "diagonal"
    first = opt.ask()
    mean_before = opt.policy.mean.detach().numpy().copy()
    opt.tell(first, sphere_rows(first))
    shift = opt.policy.mean.detach().numpy() - mean_before
    X = opt.ask()
    mean = opt.policy.mean.detach().numpy()
    plus, minus = opt.space.encode(X[0]) - mean, opt.space.encode(X[1]) - mean
    np.testing.assert_allclose(plus, -minus, atol=1e-9)
    # along the shift in latent coordinates (A diagonal): plus / spread parallel to shift / spread
    spread = opt.policy.sigma * opt.policy.shape.detach().numpy()
    a, b = plus / spread, shift / spread
    assert abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)) > 1 - 1e-9


def test_sigma_follows_which_point_of_the_pair_wins():
    rule = TwoPointAdaptation(d=100, popsize=10)
    keys = np.arange(10.0)                  # the plus point (row 0) best, the minus point 2nd
    assert rule.log_change(keys) > 0
    grow = rule.s
    keys[[0, 1]] = keys[[1, 0]]             # going back wins: the step was too long
    for _ in range(5):
        change = rule.log_change(keys)
    assert change < 0 < grow


def test_small_dimensions_keep_csa_and_the_rule_is_checked():
    assert GeneratorSearch(Box(dimension=TPA_MIN_DIM - 1)).step_size == "csa"
    assert GeneratorSearch(Box(dimension=4), step_size="tpa").step_size == "tpa"
    with pytest.raises(ValueError, match="step_size"):
        GeneratorSearch(Box(dimension=4), step_size="two-point")


def test_tpa_shrinks_a_too_large_sigma_where_csa_crawls():
    """BBOB's sphere at d = 500 stood still for 10,000 evaluations under CSA (its rate ~ 1/d)."""
    def final_sigma(step_size: str) -> float:
        opt = GeneratorSearch(Box(-5, 5, dimension=200), seed=0, step_size=step_size)
        while opt.evaluations < 2000:
            X = opt.ask()
            opt.tell(X, sphere_rows(X))
        return opt.sigma
    assert final_sigma("tpa") < 0.5 * final_sigma("csa")


def test_a_resumed_tpa_run_asks_the_same():
    opt = GeneratorSearch(Box(-5, 5, dimension=60), seed=3)
    for _ in range(3):
        X = opt.ask()
        opt.tell(X, sphere_rows(X))
    twin = pickle.loads(pickle.dumps(opt))
    resumed = GeneratorSearch(Box(-5, 5, dimension=60), seed=99)
    resumed.load_state_dict(opt.state_dict())
    X = opt.ask()
    np.testing.assert_array_equal(X, twin.ask())
    np.testing.assert_array_equal(X, resumed.ask())


def test_under_tpa_the_spread_never_outgrows_the_box():
    """On a linear slope whose optimum is a corner, TPA kept growing sigma while the mean sat on
    the faces (without bound at d = 100): the spread is capped at the box's half-width."""
    opt = GeneratorSearch(Box(-1, 1, dimension=TPA_MIN_DIM), seed=0)
    slope = np.linspace(1.0, 2.0, TPA_MIN_DIM)
    while opt.evaluations < 3000:
        X = opt.ask()
        opt.tell(X, list(-(X * slope).sum(axis=1)))
        assert float(opt._spreads().max()) <= 1.0 + 1e-12
    assert opt.best.score < -0.9 * slope.sum()
