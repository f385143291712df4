"""The generator engine's stop criteria (ovlr_bbo.restarts): pycma's tolstagnation, the named
criteria and the ``creep`` stop (pycma's tolupsigma, transposed); the next run's population
and sigma (IPOP, BIPOP); the evolution paths' rates (ovlr_bbo.evolution_paths)."""

import numpy as np
import torch

from ovlr_bbo.evolution_paths import PathRates, csa_log_change
from ovlr_bbo.generator import LinearGenerator
from ovlr_bbo.restarts import Run, generation_median, next_run, stagnated, stop_reason


def _run(losses, medians=None, popsize=8):
    run = Run(index=0, popsize=popsize, regime="large")
    for g, loss in enumerate(losses):
        run.record(float(loss), float(loss if medians is None else medians[g]))
    return run


def test_a_flat_run_stagnates_only_after_pycmas_minimum_length():
    """d = 5, lambda = 8: pycma needs more than 100 samples (one per fifth generation), so no
    stop before generation 505, however flat the losses."""
    assert not stagnated(_run(np.ones(500)), d=5)
    assert stagnated(_run(np.ones(510)), d=5)


def test_an_improving_run_does_not_stagnate():
    losses = 1.0 / np.arange(1, 3001)
    assert not stagnated(_run(losses), d=5)


def test_a_recent_best_or_improving_medians_keep_a_run_going():
    flat = np.ones(1000)
    late_best = flat.copy()
    late_best[-50:] = 0.5  # the best is younger than half of T (119 generations)
    assert not stagnated(_run(late_best), d=5)
    medians = np.linspace(10.0, 1.0, 1000)  # the population still improves
    assert not stagnated(_run(np.r_[0.5, flat[1:]], medians), d=5)
    assert stagnated(_run(np.r_[0.5, flat[1:]]), d=5)


def test_stop_reason_names_the_criterion():
    policy = LinearGenerator(np.zeros(3), sigma=1.0, form="full")
    assert stop_reason(_run(np.linspace(2.0, 1.0, 20)), policy, 1e-15, 1e-12) is None
    policy.sigma = 1e-20
    assert stop_reason(_run([1.0]), policy, 1e-15, 1e-12) == "tol_x"
    policy.sigma = 1.0
    assert stop_reason(_run(np.full(60, 3.0)), policy, 1e-15, 1e-12) == "tol_fun"
    assert stop_reason(Run(0, 8, "large", history=[]), policy, 1e-15, 1e-12) is None


def test_a_creeping_run_stops_as_pycmas_tolupsigma_would():
    """``creep``: CSA's log growth of sigma less the log scale a rank-mu C would have taken
    beyond ln 1e20 plus the log of A's largest scale (pycma's tolupsigma, transposed)."""
    policy = LinearGenerator(np.zeros(3), sigma=1.0, form="full")
    improving = np.linspace(2.0, 1.0, 20)
    run = _run(improving)
    run.csa_log, run.trace_log = 30.0, -15.0  # 45 > ln 1e20 = 46.05: not yet
    assert stop_reason(run, policy, 1e-15, 1e-12) is None
    run.trace_log = -17.0  # 47 > 46.05 + ln 1
    assert stop_reason(run, policy, 1e-15, 1e-12) == "creep"
    with torch.no_grad():  # a stretched A (largest scale e^2) raises the bar
        policy.shape.copy_(torch.diag(torch.tensor([np.e ** 2, 1.0, np.e ** -2],
                                                   dtype=policy.shape.dtype)))
    assert stop_reason(run, policy, 1e-15, 1e-12) is None


def test_a_converging_run_never_comes_near_the_creep_bound():
    """On a sphere CSA shrinks sigma faster than the rank-mu trace would shrink C: the creep
    measure falls (about -15 after 300 generations at d = 5) instead of growing."""
    from ovlr_bbo.generator_search import GeneratorSearch
    from ovlr_bbo.spaces import Box

    opt = GeneratorSearch(Box(-5, 5, dimension=5), seed=0, restarts="none")
    for _ in range(300):
        X = opt.ask()
        opt.tell(X, ((X - 0.3) ** 2).sum(axis=1))
    assert opt.run.generations == 300  # the same run throughout (no reset)
    assert opt.run.csa_log - opt.run.trace_log < -5


def test_generation_median_is_numpys_bit_for_bit():
    rng = np.random.default_rng(0)
    for size in (1, 2, 7, 44, 45):
        values = rng.standard_normal(size) * 10.0 ** rng.integers(-8, 8, size)
        assert generation_median(values) == float(np.median(values))


def test_ipop_doubles_the_large_population_and_keeps_sigma0():
    rng = np.random.default_rng(0)
    assert next_run("ipop", 10, 0, 0, 0, 0.5, rng) == (20, 0.5, "large")
    assert next_run("ipop", 10, 2, 10**6, 0, 0.5, rng) == (80, 0.5, "large")


def test_bipop_runs_a_small_regime_once_the_large_runs_spent_more():
    rng = np.random.default_rng(1)
    assert next_run("bipop", 10, 3, 100, 100, 0.5, rng)[2] == "large"  # not more: large
    for _ in range(50):
        popsize, sigma, regime = next_run("bipop", 10, 3, 1000, 100, 0.5, rng)
        assert regime == "small"
        assert 10 <= popsize <= 40  # lambda0 (lambda_large / (2 lambda0))^(U^2), U in [0, 1)
        assert 0.5 / 100 < sigma <= 0.5  # sigma0 10^(-2 U)


def test_csa_leaves_sigma_alone_on_a_path_of_the_expected_length():
    """(G7): log sigma changes by c_s / d_s (|p| / E|N(0, I)| - 1): nothing at the expected
    length of a random path, more the longer it is; the path rates fall with d."""
    rates = PathRates.of(12, 20, full=True)
    rng = np.random.default_rng(2)
    lengths = [np.linalg.norm(rng.standard_normal(20)) for _ in range(20000)]
    path = np.ones(20) * np.mean(lengths) / np.sqrt(20)
    assert abs(csa_log_change(path, rates.c_sigma, rates.damps)) < 2e-3
    assert csa_log_change(2 * path, rates.c_sigma, rates.damps) > 0.1
    assert PathRates.of(12, 100, full=True).c_sigma < rates.c_sigma
    assert PathRates.of(12, 100, full=False).c_one > PathRates.of(12, 100, full=True).c_one
