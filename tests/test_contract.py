"""The ask/tell contract, checked once for every registered optimizer on every kind of space."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

from ovlr_bbo import AskTellOptimizer, spaces
from ovlr_bbo.optimizers import make_optimizer, optimizer_names

# nevergrad's CMA tells pycma bound-repaired points, which pycma reports as orphaned injections
pytestmark = pytest.mark.filterwarnings("ignore::cma.evolution_strategy.InjectionWarning")

NAMES = [*optimizer_names(), "ng:DiscreteLenglerOnePlusOne", "ng:CMA"]
SPACES = {
    "box-bounded": spaces.Box(-5.0, 5.0, dimension=4),
    "box-unbounded": spaces.Box(dimension=4),
    "binary": spaces.Binary(8),
    "integer": spaces.Integer([0, -2, 1, 0, 0], [3, 2, 5, 1, 9]),
    "categorical": spaces.Categorical(4, [3, 2, 4, 3]),
    "permutation": spaces.Permutation(6),
}
BUDGET = 60


def objective(x: np.ndarray) -> float:
    """A cheap objective defined on every space: a weighted sum of the candidate."""
    return float(np.dot(np.asarray(x, dtype=float), np.arange(1, len(x) + 1)))


def assert_valid(space: spaces.Space, X: np.ndarray) -> None:
    """Every row of ``X`` is a candidate of ``space``."""
    assert X.ndim == 2 and X.shape[1] == space.dimension
    assert X.dtype == space.dtype
    if isinstance(space, spaces.Box):
        assert np.isfinite(X).all() and (X >= space.lb).all() and (X <= space.ub).all()
    elif isinstance(space, spaces.Binary):
        assert np.isin(X, (0, 1)).all()
    elif isinstance(space, spaces.Integer):
        assert ((X >= space.lb) & (X <= space.ub)).all()
    elif isinstance(space, spaces.Categorical):
        assert ((X >= 0) & (X < space.counts)).all()
    else:
        assert (np.sort(X, axis=1) == np.arange(space.dimension)).all()


def run_rounds(opt: AskTellOptimizer, rounds: int) -> list[np.ndarray]:
    asked = []
    for _ in range(rounds):
        X = opt.ask()
        asked.append(X.copy())
        opt.tell(X, [objective(x) for x in X])
    return asked


@pytest.fixture(params=list(SPACES), ids=list(SPACES))
def space(request) -> spaces.Space:
    return SPACES[request.param]


@pytest.fixture(params=NAMES)
def name(request) -> str:
    return request.param


def build(name: str, space: spaces.Space, seed: int = 0) -> AskTellOptimizer:
    return make_optimizer(name, space, seed=seed, budget=BUDGET)


def test_ask_returns_valid_candidates(name, space):
    opt = build(name, space)
    assert isinstance(opt, AskTellOptimizer)
    for X in run_rounds(opt, 4):  # popsize: the most one ask returns (OVLR's polish asks one)
        assert 1 <= len(X) <= opt.popsize and X.shape[1] == space.dimension
        assert_valid(space, X)
    assert_valid(space, opt.recommend()[None])


def test_minimize_spends_the_budget_exactly(name, space):
    opt, calls = build(name, space), []

    def counted(x):
        calls.append(objective(x))
        return calls[-1]

    best = opt.minimize(counted, budget=BUDGET)
    assert opt.evaluations == best.evaluations == len(calls) == BUDGET
    assert best.score == min(calls)
    assert_valid(space, best.x[None])


def test_same_seed_same_run(name, space):
    first, second = run_rounds(build(name, space, 3), 3), run_rounds(build(name, space, 3), 3)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_tells_raise(name, space):
    opt = build(name, space)
    X = opt.ask()
    with pytest.raises(ValueError):
        opt.tell(X, np.zeros(len(X) + 1))
    with pytest.raises(ValueError):
        opt.tell(X, np.zeros((len(X), 2)))
    with pytest.raises(ValueError):
        opt.tell(X[::-1] if len(X) > 1 else X + 1, np.zeros(len(X)))  # never asked
    with pytest.raises(ValueError):
        opt.tell(X[:, :-1], np.zeros(len(X)))
    opt.tell(X, np.zeros(len(X)))
    with pytest.raises(ValueError):
        opt.tell(X, np.zeros(len(X)))  # told twice


def test_nonfinite_scores_are_survived(name, space):
    opt = build(name, space)
    rng = np.random.default_rng(0)

    def flaky(x):
        return np.nan if rng.random() < 0.3 else (np.inf if rng.random() < 0.1 else objective(x))

    with warnings.catch_warnings():  # all-NaN batches warn (and some peers warn about them)
        warnings.simplefilter("ignore")
        best = opt.minimize(flaky, budget=BUDGET)
        assert np.isfinite(best.score) and best.x is not None
        X = opt.ask()
        opt.tell(X, np.full(len(X), np.nan))
    assert_valid(space, opt.ask())


def test_pickle_resumes_identically(name, space):
    opt = build(name, space)
    run_rounds(opt, 3)
    pending = opt.ask()
    clone = pickle.loads(pickle.dumps(opt))
    for o in (opt, clone):
        o.tell(pending, [objective(x) for x in pending])
    np.testing.assert_array_equal(opt.ask(), clone.ask())


def test_state_dict_resumes_identically(name, space):
    opt = build(name, space)
    run_rounds(opt, 3)
    other = build(name, space, seed=99)
    other.load_state_dict(opt.state_dict())
    for a, b in zip(run_rounds(opt, 2), run_rounds(other, 2), strict=True):
        np.testing.assert_array_equal(a, b)


def test_registry_names():
    assert optimizer_names() == ["ovlr", "cem", "cem-seed", "cmaes", "ea", "rls", "reinforce",
                                 "random"]


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"cmaes.*ng:<Name>"):
        make_optimizer("cma-es", spaces.Binary(4))
    with pytest.raises(ValueError, match="DiscreteLenglerOnePlusOne"):
        make_optimizer("ng:DiscreteLenglerOnePlusOn", spaces.Binary(4))


@pytest.mark.parametrize(("name", "settings"), [
    ("cem", {"popsize": 1}), ("cem", {"elite_fraction": 0.0}), ("cem", {"smoothing": 1.5}),
    ("cmaes", {"sigma0": -1.0}), ("ea", {"rate": 0.0}), ("rls", {"popsize": 0}),
    ("reinforce", {"lr": 0.0}), ("random", {"popsize": 0}), ("ng:CMA", {"popsize": 0}),
])
def test_bad_settings_raise(name, settings):
    with pytest.raises(ValueError):
        make_optimizer(name, spaces.Binary(4), **settings)


def test_randomness_is_independent_of_global_numpy_state():
    runs = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)  # noqa: NPY002 (must not matter)
        runs.append(run_rounds(make_optimizer("cmaes", spaces.Box(dimension=3), seed=0), 3))
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_out_of_order_tells_while_the_polish_is_active():
    """OVLR's default on OneMax(16): once the polish sweeps, three asks are outstanding and told
    in reverse order, round after round; nothing told is lost and OneMax is still solved."""
    from ovlr_bbo.parts import Polish

    for seed in range(3):
        opt = make_optimizer("ovlr", spaces.Binary(16), seed=seed, maximize=True)
        polish = next(part for part in opt.parts if isinstance(part, Polish))
        while not polish.polishing:
            X = opt.ask()
            opt.tell(X, X.sum(axis=1))
            assert opt.evaluations < 200, "the polish never started"
        elite, told = opt.elite.x.copy(), [opt.best.score]
        batches = [opt.ask() for _ in range(3)]
        assert [int((X != elite).sum()) for X in batches] == [1, 1, 1]  # three polish moves
        while opt.best.score < 16:
            for X in batches[::-1]:
                opt.tell(X, X.sum(axis=1))
                told.append(int(X.sum(axis=1).max()))
                assert opt.best.score == max(told) == opt.best.x.sum()
            assert opt.evaluations < 1000, f"seed {seed}: OneMax(16) unsolved"
            batches = [opt.ask() for _ in range(3)]
