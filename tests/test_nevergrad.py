
"""OVLR inside nevergrad: registry, nevergrad's own optimizer tests, parametrizations, executors."""

from __future__ import annotations

import inspect
import re
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from unittest import SkipTest

import nevergrad as ng
import nevergrad.optimization.test_optimizerlib as ng_optimizer_tests
import nevergrad.optimization.test_suggest as ng_suggest_tests
import numpy as np
import pytest
from nevergrad.common import testing

import ovlr_bbo.integrations.nevergrad  # noqa: F401  (registers the names)
from ovlr_bbo import OVLR, spaces
from ovlr_bbo.integrations.nevergrad import OVLROptimizer, ParametrizedOVLR, StandardizedSpace
from ovlr_bbo.spaces import Box, Categorical, Integer

NAMES = ["OVLR", "DiscreteOVLR", "ContinuousOVLR"]


def _sampled_key(name: str) -> str:
    """``name`` padded with trailing ``_`` and spaces until nevergrad's CI sampling keeps it.

    nevergrad's parametrized tests run only the registry names whose character hash passes
    ``doint(name) % 5 == 0`` and ``sum(map(ord, name)) % 4 == 0``; the padding changes no substring
    test in the bodies, so they treat the key exactly as they treat ``name``."""
    for pad in range(4 * 16):
        key = name + "_" * (pad % 4) + " " * (pad // 4)
        doint = 7 + sum(ord(c) * i for i, c in enumerate(key))
        if doint % 5 == 0 and sum(map(ord, key)) % 4 == 0:
            return key
    raise AssertionError(f"no padding of {name!r} passes nevergrad's sampling")


class _Registry(dict):
    """The registry a battery body sees: our optimizer only; counts lookups."""

    lookups = 0

    def __getitem__(self, key):
        type(self).lookups += 1
        return super().__getitem__(key)


def run_body(module: types.ModuleType, test_name: str, name: str, *args) -> None:
    """Run nevergrad's test ``test_name`` from ``module`` on our registered ``name``.

    The body runs in a copy of the module's namespace (its helper functions rebound to it) where
    ``registry`` maps a sampled key to our optimizer, the random ``long_name`` filter is off and
    ``CI`` is False, so the body runs instead of skipping. A skip counts as a failure."""
    namespace = dict(vars(module))
    for key, value in vars(module).items():
        raw = inspect.unwrap(value) if isinstance(value, types.FunctionType) else None
        if raw is not None and raw.__globals__ is vars(module):
            namespace[key] = types.FunctionType(raw.__code__, namespace, raw.__name__,
                                                raw.__defaults__, raw.__closure__)
    key = _sampled_key(name)
    registry = _Registry({key: ng.optimizers.registry[name]})
    namespace.update(registry=registry, long_name=lambda s: False, CI=False)
    _Registry.lookups = 0
    try:
        with testing.suppress_nevergrad_warnings():
            namespace[test_name](key, *args)
    except SkipTest as skip:
        pytest.fail(f"nevergrad's {test_name} skipped {name}: {skip}")
    assert _Registry.lookups > 0, f"{test_name} returned before using {name}"


def test_registered_like_builtins():
    for name in NAMES:
        optimizer = ng.optimizers.registry[name](ng.p.Array(shape=(3,)), budget=10, num_workers=2)
        assert isinstance(optimizer, OVLROptimizer) and optimizer.name == name
    assert ParametrizedOVLR(sigma=0.3).config() == {"sigma": 0.3}


@pytest.mark.parametrize("name", ["OVLR", "ContinuousOVLR"])
def test_check_optimizer_with_value_verification(name):
    ng_optimizer_tests.check_optimizer(ng.optimizers.registry[name], budget=300, verify_value=True)


def test_check_optimizer_discrete_variant():
    ng_optimizer_tests.check_optimizer(ng.optimizers.registry["DiscreteOVLR"], budget=300,
                                       verify_value=False)


@pytest.mark.parametrize("name", ["OVLR", "ContinuousOVLR"])
def test_nevergrad_minimal(name):
    run_body(ng_optimizer_tests, "test_optimizers_minimal", name)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("test_name", ["test_infnan", "test_parametrization_offset",
                                       "test_optim_pickle"])
def test_nevergrad_battery(test_name, name):
    run_body(ng_optimizer_tests, test_name, name)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("test_name", ["test_optimizers_suggest", "test_suggest_optimizers"])
def test_nevergrad_suggest(test_name, name):
    run_body(ng_suggest_tests, test_name, name)


def _mixed_parametrization() -> ng.p.Instrumentation:
    return ng.p.Instrumentation(
        ng.p.Array(shape=(2,)),
        ng.p.Array(shape=(3,), lower=0, upper=4).set_integer_casting(),
        lr=ng.p.Log(lower=1e-4, upper=1.0),
        width=ng.p.Scalar(lower=-1.0, upper=1.0),
        act=ng.p.Choice(["relu", "tanh", "gelu"]),
        depth=ng.p.TransitionChoice([1, 2, 3, 4, 5]),
    )


def _mixed_loss(x, ints, lr, width, act, depth) -> float:
    return (float(np.sum((x - 1) ** 2)) + float(np.sum((ints - 3) ** 2))
            + (np.log10(lr) + 2) ** 2 + (width - 0.5) ** 2 + (act != "gelu") + abs(depth - 4))


def test_mixed_parametrization_maps_to_matching_decodings():
    space = StandardizedSpace(_mixed_parametrization())
    kinds = [type(part) for part in space.parts]
    # sorted order: args (Array, integer Array), then act, depth, lr, width
    assert kinds == [Box, Integer, Categorical, Integer, Box, Box]
    samples = space.sample(np.random.default_rng(0), 20)
    for data in samples:
        candidate = _mixed_parametrization().spawn_child().set_standardized_data(data)
        assert candidate.kwargs["act"] in ("relu", "tanh", "gelu")
    np.testing.assert_allclose(space.decode(space.encode(samples)), samples)


def test_choice_written_back_is_the_argmax():
    param = ng.p.Choice(["a", "b", "c", "d"])
    space = StandardizedSpace(param)
    outputs = np.eye(4)[[2] * 50]
    chosen = {param.spawn_child().set_standardized_data(d).value for d in space.decode(outputs)}
    assert chosen == {"c"}  # nevergrad's softmax sampling keeps OVLR's choice


def test_mixed_parametrization_minimize_improves():
    optimizer = ng.optimizers.registry["OVLR"](_mixed_parametrization(), budget=300)
    optimizer.parametrization.random_state.seed(0)
    first = _mixed_loss(*optimizer.parametrization.args, **optimizer.parametrization.kwargs)
    recommendation = optimizer.minimize(_mixed_loss)
    assert _mixed_loss(*recommendation.args, **recommendation.kwargs) < first


def test_seeded_parametrization_is_reproducible_and_asks_before_tells():
    def run() -> list[float]:
        optimizer = ng.optimizers.registry["OVLR"](ng.p.Array(shape=(4,)), budget=40,
                                                   num_workers=5)
        optimizer.parametrization.random_state.seed(3)  # after construction, as nevergrad does
        asked = [optimizer.ask() for _ in range(5)]  # more than one OVLR batch may be open
        for candidate in reversed(asked):
            optimizer.tell(candidate, float(np.sum(candidate.value ** 2)))
        return [float(v) for v in optimizer.ask().value]

    assert run() == run()


def test_foreign_tells_dump_and_load(tmp_path):
    optimizer = ng.optimizers.registry["DiscreteOVLR"](
        ng.p.Array(shape=(6,), lower=0, upper=1).set_integer_casting(), budget=100)
    pending = optimizer.ask()
    optimizer.tell(optimizer.parametrization.spawn_child(new_value=np.ones(6)), -10.0)
    with testing.suppress_nevergrad_warnings():  # nevergrad warns about the NaN loss
        optimizer.tell(pending, float("nan"))
    optimizer.dump(tmp_path / "opt.pkl")
    loaded = OVLROptimizer.load(tmp_path / "opt.pkl")
    assert loaded.ask().value.shape == (6,)
    np.testing.assert_array_equal(loaded.recommend().value, np.ones(6))
    assert loaded.num_tell_not_asked == 1


def test_forgotten_candidates_do_not_stall():
    optimizer = ng.optimizers.registry["OVLR"](2, budget=1000)
    for _ in range(300):  # asked, never told
        optimizer.ask()
    candidate = optimizer.ask()
    optimizer.tell(candidate, 1.0)
    assert len(optimizer._batches) <= 8


def sphere_objective(x: np.ndarray) -> float:
    """Module level, so that worker processes can unpickle it."""
    return float(np.sum((x - 0.5) ** 2))


@pytest.mark.filterwarnings("ignore:Ignoring since timer was stopped:UserWarning")
@pytest.mark.parametrize("batch_mode", [False, True])
def test_minimize_with_process_pool(batch_mode):
    optimizer = ng.optimizers.registry["OVLR"](ng.p.Array(shape=(2,)), budget=48, num_workers=2)
    with ProcessPoolExecutor(max_workers=2) as executor:
        recommendation = optimizer.minimize(sphere_objective, executor=executor,
                                            batch_mode=batch_mode)
    assert optimizer.num_tell == 48 and not optimizer._asked
    assert sphere_objective(recommendation.value) < sphere_objective(np.zeros(2))


def _readme_example() -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    return next(block for block in blocks if 'registry["OVLR"]' in block)


def test_readme_example():
    namespace: dict = {}
    exec(compile(_readme_example(), "README.md", "exec"), namespace)
    found = namespace["recommendation"].kwargs
    assert namespace["train"](**found) < namespace["train"](1.0, 8, "relu")


@pytest.mark.parametrize("centre", [10.0, 100.0])
def test_default_unbounded_array_travels_to_a_far_optimum(centre):
    """nevergrad's default Array is unbounded with standardized sigma 1: OVLR must travel."""
    parametrization = ng.p.Array(shape=(3,))
    parametrization.random_state = np.random.RandomState(0)
    optimizer = ng.optimizers.registry["OVLR"](parametrization, budget=3000)
    recommendation = optimizer.minimize(lambda x: float(((x - centre) ** 2).sum()))
    assert float(((recommendation.value - centre) ** 2).sum()) <= 1e-8


def _sphere(x):
    return float(((np.asarray(x) - 1.3) ** 2).sum())


def _onemax_loss(x):
    return float(-np.sum(x))


@pytest.mark.parametrize("kind", ["bounded box", "bit string"])
def test_nevergrad_and_native_paths_run_the_same_default(kind):
    """The same problem through ng.optimizers.registry["OVLR"] and through native OVLR: the
    parametrization maps to the same space, so both get the same parts and the same result."""
    if kind == "bounded box":
        parametrization, space, f, budget = (ng.p.Array(shape=(5,), lower=-5, upper=5),
                                             spaces.Box(-5, 5, dimension=5), _sphere, 2000)
    else:
        parametrization = ng.p.Array(shape=(16,), lower=0, upper=1).set_integer_casting()
        space, f, budget = spaces.Binary(16), _onemax_loss, 300
    mapped = StandardizedSpace(parametrization)
    assert [type(part) for part in mapped.parts] == [type(space)]
    assert mapped.position_outputs().tolist() == space.position_outputs().tolist()
    parametrization.random_state = np.random.RandomState(0)
    through_ng = ng.optimizers.registry["OVLR"](parametrization, budget=budget).minimize(f)
    native = OVLR(space, seed=0).minimize(f, budget)
    ng_loss = f(through_ng.value)
    if kind == "bounded box":
        assert ng_loss <= 1e-8 and native.score <= 1e-8
    else:
        assert ng_loss == native.score == -16


@pytest.mark.parametrize("shaping", ["identity", "standardize"])
def test_nan_losses_through_nevergrad_do_not_poison_the_policy(shaping):
    """Issue 16 item 2: a NaN used to become the largest float, freezing Adam (identity) or
    zeroing every utility of the batch (standardize)."""
    gradient_parts = ("mean_first", "gradient", "elitist", "guided", "polish")  # not the engine
    optimizer = ParametrizedOVLR(shaping=shaping, parts=gradient_parts)(ng.p.Array(shape=(4,)),
                                                                         budget=200)
    optimizer.parametrization.random_state = np.random.RandomState(0)
    # nevergrad itself warns that it clips the NaN (LossTooLargeWarning), as it should
    with pytest.warns(ng.errors.LossTooLargeWarning, match="nan"):
        for index in range(40):
            candidate = optimizer.ask()
            loss = float("nan") if index % 3 == 1 else float(((candidate.value - 2) ** 2).sum())
            optimizer.tell(candidate, loss)
    ovlr = optimizer.ovlr
    state = ovlr.torch_optimizer.state[ovlr.policy.output]
    assert float(state["exp_avg_sq"].max()) < 1e3  # no 1e37 second moment
    assert ovlr.nonfinite_scores > 0
    assert float(((optimizer.recommend().value - 2) ** 2).sum()) < 16.0  # it learned


def test_abandoned_batches_are_not_counted_or_learned_as_worst():
    optimizer = ng.optimizers.registry["OVLR"](ng.p.Array(shape=(3,)), budget=400,
                                               num_workers=1)
    optimizer.parametrization.random_state = np.random.RandomState(0)
    for _ in range(1 + 8 * 4 + 4):  # never told: more than _MAX_OPEN_BATCHES batches
        optimizer.ask()
    assert len(optimizer._batches) <= 8  # the oldest were closed ...
    assert optimizer.ovlr.evaluations == 0  # ... without counting their rows
    assert optimizer.ovlr.nonfinite_scores == 0 and optimizer.ovlr.generations == 0
