"""OVLR inside nevergrad: registry, nevergrad's own optimizer tests, parametrizations, executors."""

from __future__ import annotations

import inspect
import types
from unittest import SkipTest

import nevergrad as ng
import nevergrad.optimization.test_optimizerlib as ng_optimizer_tests
import nevergrad.optimization.test_suggest as ng_suggest_tests
import pytest
from nevergrad.common import testing

import ovlr_bbo.nevergrad  # noqa: F401  (registers the names)
from ovlr_bbo.nevergrad import OVLROptimizer, ParametrizedOVLR

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
