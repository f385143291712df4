"""The shape rate that follows the signal-to-noise ratio of its updates (ovlr_bbo.shape_rate)."""

from __future__ import annotations

import numpy as np
import pytest

from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.shape_rate import ShapeRateAdaptation
from ovlr_bbo.spaces import Box


def _trace_free(matrix: np.ndarray) -> np.ndarray:
    symmetric = (matrix + matrix.T) / 2
    return symmetric - np.trace(symmetric) / len(symmetric) * np.eye(len(symmetric))


def test_noise_lowers_the_rate_down_to_its_floor() -> None:
    rates = ShapeRateAdaptation(0.2, floor=0.1)
    rng = np.random.default_rng(0)
    seen = [rates.update(_trace_free(rng.standard_normal((4, 4)))) for _ in range(1500)]
    assert seen[0] <= 0.2
    assert seen[-1] < 0.03  # from 0.2
    assert min(seen) == pytest.approx(0.02)  # the floor, 0.1 of the maximum, and no lower


def test_a_steady_direction_keeps_the_rate() -> None:
    rates = ShapeRateAdaptation(0.2)
    rng = np.random.default_rng(1)
    signal = _trace_free(np.diag([3.0, 1.0, -1.0, -3.0]))
    for _ in range(400):
        rates.update(signal + 0.3 * _trace_free(rng.standard_normal((4, 4))))
    assert rates.rate == pytest.approx(0.2)


@pytest.mark.parametrize("options", [{"max_rate": 0.0}, {"max_rate": -0.5}, {"beta": 1.0},
                                     {"alpha": 0.0}, {"gamma": -1.0}, {"floor": 0.0}])
def test_bad_settings_are_refused(options: dict[str, float]) -> None:
    settings = {"max_rate": 0.2, **options}
    with pytest.raises(ValueError, match="ShapeRateAdaptation needs"):
        ShapeRateAdaptation(**settings)


def _run(optimizer: GeneratorSearch, loss, evaluations: int) -> None:  # type: ignore[no-untyped-def]
    while optimizer.evaluations < evaluations:
        batch = optimizer.ask()
        optimizer.tell(batch, [loss(x) for x in batch])


def test_the_engine_learns_less_from_ranks_that_carry_no_shape() -> None:
    """Random losses: every update is noise, the rate falls; an ill-conditioned quadratic early
    on: the updates agree, the rate stays at xNES's."""
    rng = np.random.default_rng(2)
    noisy = GeneratorSearch(Box(dimension=6), seed=0, restarts="none")
    _run(noisy, lambda x: float(rng.random()), 3000)
    assert noisy._shape_rates is not None
    assert noisy._shape_rates.rate < 0.5 * noisy.base_eta_shape
    scales = 10.0 ** np.arange(6)
    shaped = GeneratorSearch(Box(dimension=6), seed=0, restarts="none")
    _run(shaped, lambda x: float((scales * x ** 2).sum()), 600)
    assert shaped._shape_rates is not None
    assert shaped._shape_rates.rate > 0.9 * shaped.base_eta_shape


def test_a_shape_rate_above_one_is_still_the_users_to_choose() -> None:
    """``eta_shape`` was never capped at 1; the adaptation takes it as its maximum."""
    fast = GeneratorSearch(Box(dimension=4), seed=0, eta_shape=2.0)
    _run(fast, lambda x: float((x ** 2).sum()), 200)
    assert fast._shape_rates is not None and fast._shape_rates.max_rate == 2.0
    assert 0 < fast._shape_rates.rate <= 2.0


def test_switched_off_the_rate_is_xnes() -> None:
    fixed = GeneratorSearch(Box(dimension=4), seed=0, adapt_shape_rate=False)
    _run(fixed, lambda x: float((x ** 2).sum()), 400)
    assert fixed._shape_rates is None and fixed._eta_shape == fixed.base_eta_shape
