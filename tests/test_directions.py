"""LM-MA-ES's learned directions (ovlr_bbo.directions): the closed form of (L1) and (L2)'s cap."""

import numpy as np
import pytest

from ovlr_bbo.directions import LearnedDirections, default_count


def stretched_one_by_one(directions: LearnedDirections, latent: np.ndarray) -> np.ndarray:
    """(L1) as written: y <- (1 - c_j) y + c_j p_j (p_j . y), j = 0 first."""
    y = latent.copy()
    for path, strength in zip(directions.paths, directions.strength, strict=True):
        projection = y @ path
        y *= 1 - strength
        y += np.multiply.outer(strength * projection, path)
    return y


@pytest.mark.parametrize("count, d", [(1, 5), (3, 10), (22, 500)])
def test_closed_form_equals_the_product_of_the_stretches(count, d):
    rng = np.random.default_rng(count)
    directions = LearnedDirections(count, d, popsize=44)
    directions.paths = 1.3 * rng.standard_normal((count, d))
    directions.strength = rng.uniform(0.05, 0.6, count)  # far stronger than c_j: a hard check
    latent = rng.standard_normal((7, d))
    expected = stretched_one_by_one(directions, latent)
    assert np.allclose(directions.stretch(latent), expected, rtol=0, atol=1e-12 * np.abs(
        expected).max())


def test_no_directions_leave_the_latents_and_unlearned_ones_only_shrink_them():
    latent = np.random.default_rng(0).standard_normal((3, 4))
    assert LearnedDirections(0, 4, 6).stretch(latent) is latent
    unlearned = LearnedDirections(2, 4, 6)
    assert np.allclose(unlearned.stretch(latent), (1 - 1 / 4) * (1 - 1 / 6) * latent)


def test_learning_follows_the_weighted_latents_and_is_capped():
    d = 50
    directions = LearnedDirections(2, d, popsize=10)
    step = np.zeros(d)
    step[0] = 1.0
    latent = np.tile(step, (10, 1))
    cma = -np.full(10, 0.1)  # every latent the same step: the paths turn onto it
    for _ in range(200):
        directions.learn(cma, latent, mu_eff=10.0)
    assert np.allclose(directions.paths[:, 1:], 0)
    rate = 10 / d  # r_0: the first path settles at its fixed point sqrt(mu_eff (2 - r) / r)
    assert np.isclose(abs(directions.paths[0, 0]), np.sqrt(10.0 * (2 - rate) / rate))
    assert np.isclose(abs(directions.paths[1, 0]), np.sqrt(2 * d))  # beyond it: capped at 2 d
    assert default_count(500) == 22


def test_an_engine_with_directions_resumes_from_its_state_and_from_the_old_layout():
    """The state round-trips through plain data (the OVLR part's checkpoints) and the layout
    saved before ovlr_bbo.directions (three arrays on the engine) still loads."""
    from ovlr_bbo.generator_search import GeneratorSearch
    from ovlr_bbo.parts.state import from_plain, to_plain
    from ovlr_bbo.spaces import Box

    box = Box(-5, 5, dimension=60)
    opt = GeneratorSearch(box, seed=3, directions=3)
    for _ in range(5):
        X = opt.ask()
        opt.tell(X, (X ** 2).sum(1))
    state = opt.state_dict()
    expected = opt.ask()
    plain = GeneratorSearch(box, seed=0, directions=3)
    plain.load_state_dict(from_plain(to_plain(state)))
    assert np.array_equal(plain.ask(), expected)
    legacy = dict(state, state=dict(state["state"]))
    directions = legacy["state"].pop("_directions")
    legacy["state"].update(_directions=directions.paths, _direction_strength=directions.strength,
                           _direction_rate=directions.rate)
    old = GeneratorSearch(box, seed=0, directions=3)
    old.load_state_dict(legacy)
    assert np.array_equal(old.ask(), expected)


def test_an_ask_saved_without_its_raw_latents_is_still_told():
    """Pending asks saved before the record held the raw latents (five fields) resume: without
    directions the raw latents are the latents."""
    from ovlr_bbo.generator_search import GeneratorSearch
    from ovlr_bbo.spaces import Box

    box = Box(-5, 5, dimension=6)
    opt = GeneratorSearch(box, seed=4)
    X = opt.ask()
    state = opt.state_dict()
    old = dict(state, pending=[[batch, rows, memo[:5]] for batch, rows, memo in state["pending"]])
    resumed = GeneratorSearch(box, seed=0)
    resumed.load_state_dict(old)
    for o in (opt, resumed):
        o.tell(X, (X ** 2).sum(1))
    assert np.array_equal(opt.ask(), resumed.ask())
