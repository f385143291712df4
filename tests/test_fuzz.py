"""Property-based fuzzing of the ask/tell contract over every optimizer and every space (issue 16).

Soak (many more, freshly random examples; a command, not part of CI)::

    HYPOTHESIS_PROFILE=soak nice -n 10 python -m pytest tests/test_fuzz.py -q

CI runs the ``ci`` profile of tests/conftest.py: a few derandomized examples per test.

Hypothesis draws a space, the optimizer's settings and a *script*: asks, tells of any outstanding
batch (out of order), pickle and ``state_dict``/``load_state_dict`` round trips, and tells that
must be refused (wrong counts, shapes, words, foreign or twice-told candidates). Scores mix the
objective with NaN, +-inf, None, numeric strings and literals, in lists, tuples, arrays or
columns. The script is played on fresh optimizers of one seed, and the properties are:

* only a bad tell raises, and only ValueError or TypeError; a refused tell changes nothing;
* ``best`` is the best finite score told, in the caller's direction, and one of the rows told
  with it; ``evaluations`` counts the rows told (less those marked not evaluated) and
  ``nonfinite_scores`` the NaN and infinite ones among them;
* the same seed gives the same stream (the script played twice asks identical candidates);
* a resumed optimizer (pickle or state_dict) asks exactly what the uninterrupted one asks.

The nevergrad part plays similar scripts on ``ng.optimizers.registry["OVLR"]`` over several
parametrizations. The bugs issue 16 already names have their own reproducers in
tests/test_fuzz_known.py.
"""

from __future__ import annotations

import math
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovlr_bbo import AskTellOptimizer, spaces
from ovlr_bbo.optimizers import make_optimizer, optimizer_names

NAMES = [*optimizer_names(), "ng:OnePlusOne", "ng:DiscreteLenglerOnePlusOne"]
SPACE_KINDS = ["box", "box-unbounded", "box-mixed", "binary", "integer", "categorical",
               "permutation", "random-keys"]
PLANNING_BUDGET = 200  # what nevergrad is told to plan with
MAX_PENDING = 4
EAGER_POLISH = {"name": "polish", "patience": 0}
OVLR_SETTINGS = [{}, {"parts": ["mean_first", "gradient", "elitist", "guided", EAGER_POLISH]},
                 {"parts": ["gradient", EAGER_POLISH]}, {"parts": ["gradient"]},
                 {"policy": "mlp"}, {"n_outputs": 2, "n_pairs": 1}, {"shaping": "identity"},
                 {"accept_equal": False}]
BAD_TELLS = ["extra", "fewer", "2d", "word", "dict", "scalar", "ragged", "foreign", "reversed",
             "twice", "mask-shape", "mask-dtype"]
# one score: the objective ("f"), a literal, a non-finite value, None or the objective as text
SCORE = st.one_of(st.sampled_from(["f", "f", "nan", "inf", "-inf", "none", "text"]),
                  st.floats(-1e3, 1e3, allow_nan=False), st.integers(-3, 3))


# --------------------------------------------------------------------------- spaces
def _integer_space(data: st.DataObject, d: int) -> spaces.Integer:
    lb = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=d, max_size=d)))
    widths = np.array(data.draw(st.lists(st.sampled_from([1, 2, 4, 100]), min_size=d,
                                         max_size=d)))
    return spaces.Integer(lb, lb + widths)


def draw_space(data: st.DataObject, kind: str) -> spaces.Space:
    """A small space of the given kind, its size and bounds drawn by hypothesis."""
    d = data.draw(st.integers(1, 6), label="dimension")
    if kind == "box":
        return spaces.Box(-5.0, 5.0, dimension=d)
    if kind == "box-unbounded":
        return spaces.Box(dimension=d, scale=data.draw(st.sampled_from([1.0, 0.1])))
    if kind == "box-mixed":
        bounded = np.arange(d + 1) % 2 == 0
        return spaces.Box(np.where(bounded, -1.0, -np.inf), np.where(bounded, 2.0, np.inf))
    if kind == "binary":
        return spaces.Binary(d)
    if kind == "integer":
        return _integer_space(data, d)
    if kind == "categorical":
        return spaces.Categorical(d, data.draw(st.lists(st.integers(1, 4), min_size=d,
                                                        max_size=d)))
    if kind == "permutation":
        return spaces.Permutation(d)
    return spaces.RandomKeys(d)


def assert_valid(space: spaces.Space, X: np.ndarray) -> None:
    """Every row of ``X`` is a candidate of ``space``."""
    assert X.ndim == 2 and X.shape[1] == space.dimension and len(X) >= 1, X.shape
    assert X.dtype == space.dtype, X.dtype
    if isinstance(space, spaces.Box):
        assert np.isfinite(X).all() and (X >= space.lb).all() and (X <= space.ub).all(), X
    elif isinstance(space, spaces.Binary):
        assert np.isin(X, (0, 1)).all(), X
    elif isinstance(space, spaces.Integer):
        assert ((X >= space.lb) & (X <= space.ub)).all(), X
    elif isinstance(space, spaces.Categorical):
        assert ((X >= 0) & (X < space.counts)).all(), X
    else:
        assert (np.sort(X, axis=1) == np.arange(space.dimension)).all(), X


def objective(x: np.ndarray) -> float:
    """Defined on every space; rounded so that ties (plateaus) happen."""
    x = np.asarray(x, dtype=float)
    return float(np.round(np.dot(x, np.cos(np.arange(len(x)))), 1))


# --------------------------------------------------------------------------- scripts
@dataclass(frozen=True)
class Ask:
    pass


@dataclass(frozen=True)
class Tell:
    which: int  # index into the outstanding batches (modulo their number)
    scores: tuple[tuple[int, Any], ...]  # (row modulo batch size, score spec); others "f"
    container: str  # list, tuple, array, column
    candidates: str  # same, copy, list
    skipped: tuple[int, ...] | None = None  # rows (modulo batch size) marked not evaluated


@dataclass(frozen=True)
class BadTell:
    which: int
    kind: str


@dataclass(frozen=True)
class RoundTrip:
    how: str  # pickle or state


@dataclass(frozen=True)
class Minimize:
    budget: int  # opt.minimize(objective, budget) amid the outstanding batches
    batch: bool


def script_steps() -> st.SearchStrategy:
    tell = st.builds(Tell, st.integers(0, 7),
                     st.lists(st.tuples(st.integers(0, 63), SCORE), max_size=4).map(tuple),
                     st.sampled_from(["list", "list", "tuple", "array", "column"]),
                     st.sampled_from(["same", "copy", "list"]),
                     st.none() | st.lists(st.integers(0, 63), max_size=3).map(tuple))
    return st.one_of(st.just(Ask()), st.just(Ask()), tell, tell, tell,
                     st.builds(BadTell, st.integers(0, 7), st.sampled_from(BAD_TELLS)),
                     st.builds(RoundTrip, st.sampled_from(["pickle", "state"])),
                     st.builds(Minimize, st.integers(1, 12), st.booleans()))


SCRIPTS = st.lists(script_steps(), min_size=1, max_size=16)


# --------------------------------------------------------------------------- playing a script
def score_values(spec: Any, x: np.ndarray) -> tuple[Any, float]:
    """What is told for one row, and the number it stands for (NaN where non-finite)."""
    value = objective(x)
    table = {"f": (value, value), "nan": (math.nan, math.nan), "inf": (math.inf, math.inf),
             "-inf": (-math.inf, -math.inf), "none": (None, math.nan),
             "text": (repr(value), value)}
    if isinstance(spec, str):
        return table[spec]
    return spec, float(spec)


def build_scores(step: Tell, X: np.ndarray) -> tuple[Any, np.ndarray, bool]:
    """The scores container for a tell, the numbers it stands for, and whether it holds values
    (None, numeric text) that an optimizer may either accept or refuse with TypeError."""
    specs = ["f"] * len(X)
    for row, spec in step.scores:
        specs[row % len(X)] = spec
    told, numbers = zip(*(score_values(s, x) for s, x in zip(specs, X, strict=True)), strict=True)
    unusual = any(s in ("none", "text") for s in specs)
    if step.container == "tuple":
        return tuple(told), np.array(numbers), unusual
    if step.container in ("array", "column"):
        array = np.array(told, dtype=object if unusual else float)
        return (array if step.container == "array" else array.reshape(-1, 1)), np.array(
            numbers), unusual
    return list(told), np.array(numbers), unusual


def bad_tell(kind: str, X: np.ndarray, told: list[np.ndarray]) -> tuple[Any, ...] | None:
    """Candidates, scores and the ``evaluated`` mask of a tell that must be refused (None where
    the kind does not apply)."""
    n, zeros = len(X), [0.0] * len(X)
    if kind.startswith("mask"):
        return X, zeros, np.ones(n + 1, bool) if kind == "mask-shape" else np.ones(n)
    bad_scores = {"extra": zeros + [0.0], "fewer": zeros[1:], "2d": np.zeros((n, 2)),
                  "word": zeros[1:] + ["abc"], "dict": {"a": 1.0},
                  "ragged": [[0.0], [0.0, 1.0]] + zeros[2:]}
    if kind in bad_scores:
        return X, bad_scores[kind], None
    if kind == "scalar":
        return (X, 0.0, None) if n > 1 else None
    if kind == "foreign":
        return X.astype(float) + 0.5, zeros, None
    if kind == "reversed":
        return (X[::-1], zeros, None) if not np.array_equal(X, X[::-1]) else None
    return (told[-1], [0.0] * len(told[-1]), None) if told else None


@dataclass
class Played:
    asked: list[np.ndarray] = field(default_factory=list)
    bests: list[float] = field(default_factory=list)


class Player:
    """Plays a script on one optimizer and checks the contract after every step."""

    def __init__(self, make: Callable[[int], AskTellOptimizer], seed: int):
        self.make, self.seed = make, seed
        self.opt = make(seed)
        self.space, self.maximize = self.opt.space, self.opt.maximize
        self.pending: list[np.ndarray] = []
        self.told: list[np.ndarray] = []
        self.rows: list[tuple[np.ndarray, float]] = []  # finite losses told (minimised)
        self.evaluations = self.nonfinite = 0
        self.played = Played()

    def play(self, script: list) -> Played:
        for step in script:
            getattr(self, f"_{type(step).__name__.lower()}")(step)
            self._check_best()
            self.played.bests.append(self.opt.best.score)
        self._ask(Ask(), limit=False)
        self.played.bests.append(self.opt.best.score)
        return self.played

    def _ask(self, step: Ask, limit: bool = True) -> None:
        if limit and len(self.pending) >= MAX_PENDING:
            return
        X = self.opt.ask()
        assert_valid(self.space, X)
        assert len(X) <= self.opt.popsize
        self.pending.append(X)
        self.played.asked.append(X.copy())

    def _tell(self, step: Tell) -> None:
        if not self.pending:
            return
        X = self.pending.pop(step.which % len(self.pending))
        scores, numbers, unusual = build_scores(step, X)
        candidates = {"same": X, "copy": X.copy(), "list": X.tolist()}[step.candidates]
        evaluated = None
        if step.skipped is not None:
            evaluated = np.ones(len(X), dtype=bool)
            evaluated[[row % len(X) for row in step.skipped]] = False
        try:
            self.opt.tell(candidates, scores, evaluated=evaluated)
        except TypeError:
            if not unusual:
                raise
            self.pending.append(X)  # refused None / text: still outstanding
            return
        self.told.append(X)
        counted = np.ones(len(X), dtype=bool) if evaluated is None else evaluated
        self.evaluations += int(counted.sum())
        self.nonfinite += int((counted & ~np.isfinite(numbers)).sum())
        losses = -numbers if self.maximize else numbers
        self.rows += [(x, float(v)) for x, v, c in zip(X, losses, counted, strict=True)
                      if c and np.isfinite(v)]

    def _badtell(self, step: BadTell) -> None:
        if not self.pending:
            return
        found = bad_tell(step.kind, self.pending[step.which % len(self.pending)], self.told)
        if found is None:
            return
        candidates, scores, evaluated = found
        if any(np.array_equal(candidates, X) for X in self.pending) and step.kind in (
                "foreign", "reversed", "twice"):
            return  # it happens to be an outstanding batch: a good tell
        before = (self.opt.evaluations, self.opt.best.score)
        with pytest.raises((ValueError, TypeError)):
            self.opt.tell(candidates, scores, evaluated=evaluated)
        assert (self.opt.evaluations, self.opt.best.score) == before, "a refused tell changed it"

    def _minimize(self, step: Minimize) -> None:
        seen: list[np.ndarray] = []

        def f(x: np.ndarray) -> Any:
            seen.append(np.atleast_2d(x).copy())
            return [objective(row) for row in x] if step.batch else objective(x)

        best = self.opt.minimize(f, budget=step.budget, batch=step.batch)
        rows = np.concatenate(seen)
        assert len(rows) == step.budget and best.evaluations == self.evaluations + step.budget
        assert_valid(self.space, rows)
        self.evaluations += step.budget
        values = np.array([objective(row) for row in rows])
        self.rows += [(x, -v if self.maximize else v) for x, v in zip(rows, values, strict=True)]
        self.played.asked.append(rows)

    def _roundtrip(self, step: RoundTrip) -> None:
        if step.how == "pickle":
            self.opt = pickle.loads(pickle.dumps(self.opt))
            return
        receiver = self.make(self.seed + 1)
        receiver.load_state_dict(self.opt.state_dict())
        self.opt = receiver

    def _check_best(self) -> None:
        best = self.opt.best
        assert best.evaluations == self.opt.evaluations == self.evaluations
        assert self.opt.nonfinite_scores == self.nonfinite
        expected = min((loss for _, loss in self.rows), default=math.inf)
        assert (-best.score if self.maximize else best.score) == expected, (best, expected)
        if self.rows:
            assert any(loss == expected and np.array_equal(x, best.x) for x, loss in self.rows)


def play(make: Callable[[int], AskTellOptimizer], seed: int, script: list) -> Played:
    with warnings.catch_warnings():  # all-NaN batches, nevergrad and pycma warn; not failures
        warnings.simplefilter("ignore")
        return Player(make, seed).play(script)


def assert_same_stream(first: Played, second: Played, what: str) -> None:
    assert len(first.asked) == len(second.asked), what
    for i, (a, b) in enumerate(zip(first.asked, second.asked, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"{what}: ask {i} differs")
    assert first.bests[-1:] == second.bests[-1:], what


def check_script(make: Callable[[int], AskTellOptimizer], seed: int, script: list) -> None:
    """Every property of the module docstring for one script."""
    plain = [s for s in script if not isinstance(s, RoundTrip)]
    uninterrupted = play(make, seed, plain)
    assert_same_stream(uninterrupted, play(make, seed, plain), "same seed, same script")
    if len(plain) < len(script):
        assert_same_stream(uninterrupted, play(make, seed, script), "resumed vs uninterrupted")
    if any(isinstance(s, BadTell) for s in plain):
        good = [s for s in plain if not isinstance(s, BadTell)]
        assert_same_stream(uninterrupted, play(make, seed, good), "a refused tell changed it")


def factory(name: str, space: spaces.Space, maximize: bool,
            settings: dict[str, Any]) -> Callable[[int], AskTellOptimizer]:
    def make(seed: int) -> AskTellOptimizer:
        return make_optimizer(name, space, seed=seed, maximize=maximize,
                              budget=PLANNING_BUDGET, **settings)
    return make


#: grid cells that fail because of an open core bug: {(name, space kind): reason}; the cells
#: are strict xfails, so a fix turns them red until the entry is removed (none open now)
OPEN_BUGS: dict[tuple[str, str], str] = {}


def grid() -> list:
    cells = []
    for name in NAMES:
        for kind in SPACE_KINDS:
            reason = OPEN_BUGS.get((name, kind))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cells.append(pytest.param(name, kind, marks=marks, id=f"{name}-{kind}"))
    return cells


@pytest.mark.filterwarnings("ignore::cma.evolution_strategy.InjectionWarning")
@pytest.mark.parametrize(("name", "kind"), grid())
@given(data=st.data())
def test_random_scripts_keep_the_contract(name: str, kind: str, data: st.DataObject) -> None:
    space = draw_space(data, kind)
    settings = data.draw(st.sampled_from(OVLR_SETTINGS), label="settings") if name == "ovlr" \
        else {}
    maximize = data.draw(st.booleans(), label="maximize")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    script = data.draw(SCRIPTS, label="script")
    check_script(factory(name, space, maximize, settings), seed, script)


# --------------------------------------------------------------------------- nevergrad
def _parametrizations() -> dict[str, Callable[[], Any]]:
    import nevergrad as ng

    import ovlr_bbo.integrations.nevergrad  # noqa: F401  (registers "OVLR")

    return {
        "array": lambda: ng.p.Array(shape=(3,)),
        "bounded-array": lambda: ng.p.Array(shape=(2, 2), lower=-2.0, upper=2.0),
        "integer-scalar": lambda: ng.p.Scalar(lower=0, upper=10).set_integer_casting(),
        "unbounded-integers": lambda: ng.p.Array(shape=(3,)).set_integer_casting(),
        "log": lambda: ng.p.Log(lower=1e-3, upper=1.0),
        "choice": lambda: ng.p.Choice(["a", "b", "c"], repetitions=2),
        "transition-choice": lambda: ng.p.TransitionChoice([1, 2, 3, 4]),
        "instrumentation": lambda: ng.p.Instrumentation(
            ng.p.Scalar(lower=-1.0, upper=1.0), width=ng.p.Scalar(lower=8, upper=64)
            .set_integer_casting(), kind=ng.p.Choice(["relu", "tanh", "gelu"])),
    }


PARAMETRIZATIONS = _parametrizations()
NG_LOSS = st.one_of(st.sampled_from(["f", "f", "f", "nan", "inf"]),
                    st.floats(-1e3, 1e3, allow_nan=False))
NG_SCRIPTS = st.lists(st.one_of(st.just(("ask", 0, None)), st.just(("ask", 0, None)),
                                st.tuples(st.just("tell"), st.integers(0, 11), NG_LOSS),
                                st.tuples(st.just("foreign"), st.integers(-5, 5), NG_LOSS),
                                st.just(("pickle", 0, None))), min_size=1, max_size=30)


def play_nevergrad(kind: str, seed: int, workers: int, script: list) -> list[np.ndarray]:
    """Play a script on nevergrad's "OVLR"; check the recommendation; return what was asked."""
    import nevergrad as ng

    parametrization = PARAMETRIZATIONS[kind]()
    parametrization.random_state = np.random.RandomState(seed)
    opt = ng.optimizers.registry["OVLR"](parametrization, budget=PLANNING_BUDGET,
                                         num_workers=workers)
    pending, asked, told = [], [], {}
    for action, which, loss in [*script, ("ask", 0, None)]:
        if action == "ask":
            candidate = opt.ask()
            data = candidate.get_standardized_data(reference=opt.parametrization)
            assert np.isfinite(data).all(), data
            pending.append(candidate)
            asked.append(data)
        elif action == "tell" and pending:
            candidate = pending.pop(which % len(pending))
            value = objective(candidate.get_standardized_data(reference=opt.parametrization))
            told[candidate.uid] = value if loss == "f" else float(loss)
            opt.tell(candidate, told[candidate.uid])
        elif action == "foreign":  # a candidate OVLR did not ask: counts for the recommendation
            data = np.full(opt.parametrization.dimension, which / 4.0)
            candidate = opt.parametrization.spawn_child().set_standardized_data(data)
            told[candidate.uid] = objective(data) if loss == "f" else float(loss)
            opt.tell(candidate, told[candidate.uid])
        elif action == "pickle":
            opt = pickle.loads(pickle.dumps(opt))
        finite = [v for v in told.values() if np.isfinite(v)]
        if finite:  # the recommendation is the best candidate told
            assert told[opt.provide_recommendation().uid] == min(finite)
    return asked


@pytest.mark.parametrize("kind", list(PARAMETRIZATIONS))
@given(data=st.data())
def test_nevergrad_ovlr_survives_random_scripts(kind: str, data: st.DataObject) -> None:
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    workers = data.draw(st.integers(1, 3), label="num_workers")
    script = data.draw(NG_SCRIPTS, label="script")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = [step for step in script if step[0] != "pickle"]
        first = play_nevergrad(kind, seed, workers, plain)
        runs = {"same seed": play_nevergrad(kind, seed, workers, plain),
                "resumed": play_nevergrad(kind, seed, workers, script)}
    for what, run in runs.items():
        assert len(run) == len(first), what
        for a, b in zip(first, run, strict=True):
            np.testing.assert_array_equal(a, b, err_msg=what)


# --------------------------------------------------------------------------- issue 16 items
def test_integer_space_survives_two_outstanding_batches_told_in_any_order():
    """Issue 16 item 1: 10 of 200 seeded runs raised 'candidates outside the bounds'."""
    f = lambda X: X.sum(axis=1).astype(float)  # noqa: E731
    for seed in range(20):
        opt = make_optimizer("ovlr", spaces.Integer(0, 4, dimension=5), seed=seed)
        order, lowest = np.random.default_rng(seed), np.inf
        for _ in range(40):
            batches = [opt.ask(), opt.ask()]
            for X in (batches[::-1] if order.random() < 0.5 else batches):
                opt.tell(X, f(X))
                lowest = min(lowest, f(X).min())
        assert opt.best.score == lowest == f(opt.best.x[None])[0]


@pytest.mark.parametrize("space", [spaces.Binary(8), spaces.Box(-2.0, 2.0, dimension=3),
                                   spaces.Permutation(5)], ids=repr)
def test_state_dict_survives_torch_weights_only_and_resumes_the_stream(space, tmp_path):
    """Issue 16 item 3: torch.save + torch.load(weights_only=True), loaded INTO the receiver."""
    import torch

    opt = make_optimizer("ovlr", space, seed=0, maximize=True)
    for _ in range(6):
        X = opt.ask()
        opt.tell(X, [objective(x) for x in X])
    outstanding = opt.ask()
    torch.save(opt.state_dict(), tmp_path / "state.pt")
    receiver = make_optimizer("ovlr", space, seed=1, maximize=True)
    policy, receiver_space = receiver.policy, receiver.space
    receiver.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    assert receiver.policy is policy and receiver.space is receiver_space
    for o in (opt, receiver):
        o.tell(outstanding, [objective(x) for x in outstanding])
    for _ in range(4):
        X, Y = opt.ask(), receiver.ask()
        np.testing.assert_array_equal(X, Y)
        opt.tell(X, [objective(x) for x in X])
        receiver.tell(Y, [objective(y) for y in Y])
    assert opt.best.score == receiver.best.score
    np.testing.assert_array_equal(opt.best.x, receiver.best.x)


def test_pickled_ovlr_resumes_the_identical_stream():
    """Fuzz finding F1: a pickled OVLR's numpy view of the policy no longer shared its memory."""
    opt = make_optimizer("ovlr", spaces.Binary(8), seed=0)
    clone = pickle.loads(pickle.dumps(opt))
    for _ in range(30):
        X, Y = opt.ask(), clone.ask()
        np.testing.assert_array_equal(X, Y)
        opt.tell(X, X.sum(axis=1))
        clone.tell(Y, Y.sum(axis=1))


def test_state_of_another_space_is_refused():
    state = make_optimizer("ovlr", spaces.Binary(8), seed=0).state_dict()
    with pytest.raises(ValueError, match="space"):
        make_optimizer("ovlr", spaces.Binary(9), seed=0).load_state_dict(state)


@pytest.mark.parametrize("build", [lambda: spaces.Binary(2.5), lambda: spaces.Permutation(3.5),
                                   lambda: spaces.Categorical(2.5, 3),
                                   lambda: make_optimizer("ovlr", spaces.Binary(4), n_pairs=2.5)],
                         ids=["Binary", "Permutation", "Categorical", "n_pairs"])
def test_fractional_sizes_raise_instead_of_truncating(build):
    with pytest.raises((ValueError, TypeError), match="2.5|3.5"):
        build()


def _multirow_batch(opt: AskTellOptimizer) -> np.ndarray:
    X = opt.ask()
    while len(X) < 2:  # OVLR's first ask is its mean, one row
        opt.tell(X, [0.0] * len(X))
        X = opt.ask()
    return X


@pytest.mark.parametrize("name", NAMES)
def test_a_word_as_a_score_is_refused_and_named(name):
    opt = make_optimizer(name, spaces.Binary(4), seed=0, budget=PLANNING_BUDGET)
    X = opt.ask()
    with pytest.raises(TypeError, match="'abc'"):
        opt.tell(X, ["abc"] + [0.0] * (len(X) - 1))
    opt.tell(X, [0.0] * len(X))  # the refused tell left the batch outstanding


@pytest.mark.parametrize("name", ["ovlr", "random"])
def test_a_word_after_numbers_is_named(name):
    """Fuzz finding F2: numpy turned the whole list into strings and score 0 was blamed."""
    opt = make_optimizer(name, spaces.Binary(4), seed=0)
    X = _multirow_batch(opt)
    with pytest.raises(TypeError, match=f"score {len(X) - 1} is 'abc'"):
        opt.tell(X, [0.0] * (len(X) - 1) + ["abc"])
