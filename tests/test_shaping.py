import numpy as np
import pytest

from ovlr_bbo.shaping import centered_ranks, clipped, get_shaping, identity, standardize


def test_centered_ranks_span_and_ties():
    u = centered_ranks(np.array([3.0, 1.0, 2.0, 2.0]))
    np.testing.assert_allclose(u, [0.5, -0.5, 0.0, 0.0])
    assert centered_ranks(np.array([5.0])).tolist() == [0.0]


def test_centered_ranks_invariant_to_monotone_transform():
    losses = np.random.default_rng(0).normal(size=20)
    np.testing.assert_allclose(centered_ranks(losses), centered_ranks(np.exp(3 * losses)))


def test_standardize_and_clipping():
    u = standardize(np.array([1.0, 2.0, 3.0]))
    assert abs(u.mean()) < 1e-12 and abs(u.std() - 1) < 1e-12
    assert standardize(np.ones(4)).tolist() == [0.0] * 4
    capped = clipped(standardize, 1.0)(np.array([0.0] * 9 + [100.0]))
    assert capped.max() == 1.0


def test_shaping_never_mutates_its_input():
    losses = np.array([2.0, 1.0])
    for shaping in (identity, standardize, centered_ranks):
        shaping(losses)
    assert losses.tolist() == [2.0, 1.0]


def test_get_shaping_by_name_or_callable():
    assert get_shaping("centered_ranks") is centered_ranks
    assert get_shaping(identity) is identity
    with pytest.raises(ValueError, match="centered_ranks"):
        get_shaping("ranks")


def test_centered_ranks_match_scipy_average_ranks():
    from scipy.stats import rankdata

    losses = np.random.default_rng(3).integers(0, 5, size=40).astype(float)
    expected = (rankdata(losses) - 1) / (losses.size - 1) - 0.5
    np.testing.assert_allclose(centered_ranks(losses), expected)
