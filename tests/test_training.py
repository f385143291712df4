"""Tests for the OVLR training helper, its demos and the cost measurement."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ovlr_bbo.estimator import OutputEstimator
from ovlr_bbo.training import OVLRLoss, ovlr_backward, truncated_squared_loss, zero_one_loss
from ovlr_bbo.training.cost import cost_rows, parameter_lr_backward, peak_step_bytes
from ovlr_bbo.training.demos import (
    DigitsSetting,
    SineSetting,
    _sine_data,
    _sine_network,
    main,
    train_digits,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny networks: one intra-op thread avoids oversubscription on a shared 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _flat_gradient(model: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.grad.reshape(-1) for p in model.parameters()])


def _cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()))


def test_ovlr_trains_where_backprop_gradient_is_exactly_zero():
    setting = SineSetting()
    x, targets = _sine_data(0, setting)
    network = _sine_network(0, init_offset=-3.0)
    loss = truncated_squared_loss(setting.cap)
    loss(network(x), targets).mean().backward()
    assert torch.count_nonzero(_flat_gradient(network)) == 0  # every residual is on the flat part
    network.zero_grad()

    criterion = OVLRLoss(loss, sigma=1.0, n_pairs=32, generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-2)
    with torch.no_grad():
        start = float(loss(network(x), targets).mean())
    for _ in range(300):
        optimizer.zero_grad()
        criterion.backward(network(x), targets)
        optimizer.step()
    assert start > 0.99
    with torch.no_grad():
        assert float(loss(network(x), targets).mean()) < 0.5 * start


def test_zero_one_training_beats_chance_on_noisy_digits():
    setting = DigitsSetting(steps=300, n_pairs=16)
    accuracy = train_digits("ovlr-01", seed=0, setting=setting, checkpoints=[300])[0]
    assert accuracy > 0.6  # chance is 0.1; 25% of the training labels are wrong


@pytest.mark.parametrize("optimizer_class", [torch.optim.SGD, torch.optim.Adam,
                                             torch.optim.RMSprop])
def test_helper_trains_a_conv_net_with_any_optimizer(optimizer_class):
    torch.manual_seed(0)
    network = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                  torch.nn.Linear(4 * 6 * 6, 3))
    images, labels = torch.randn(32, 1, 8, 8), torch.randint(0, 3, (32,))
    optimizer = optimizer_class(network.parameters(), lr=0.05)
    criterion = OVLRLoss(zero_one_loss, sigma=1.0, n_pairs=16,
                         generator=torch.Generator().manual_seed(1))
    before = [p.detach().clone() for p in network.parameters()]
    errors = []
    for _ in range(60):
        optimizer.zero_grad()
        errors.append(criterion.backward(network(images), labels))
        assert all(torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0
                   for p in network.parameters())
        optimizer.step()
    assert all(not torch.equal(b, p) for b, p in zip(before, network.parameters(), strict=True))
    assert np.mean(errors[-10:]) < np.mean(errors[:10])  # fits the 32 random labels


def test_gradient_matches_backprop_on_a_quadratic_loss():
    # for a quadratic loss the Gaussian-smoothed loss differs by a constant, so OVLR is unbiased
    # for the ordinary gradient
    torch.manual_seed(0)
    model = torch.nn.Linear(5, 2)
    inputs, targets = torch.randn(64, 5), torch.randn(64, 2)
    squared = lambda outputs, t: ((outputs - t) ** 2).sum(dim=1)  # noqa: E731
    squared(model(inputs), targets).mean().backward()
    exact = _flat_gradient(model).clone()
    model.zero_grad()
    estimator = OutputEstimator(sigma=0.3, n_pairs=256)
    losses = ovlr_backward(model(inputs), targets, squared, estimator,
                           torch.Generator().manual_seed(0))
    assert losses.shape == (64, 512)
    assert _cosine(_flat_gradient(model), exact) > 0.99


def test_same_generator_seed_gives_the_same_gradient():
    model, inputs, labels = torch.nn.Linear(4, 3), torch.randn(16, 4), torch.randint(0, 3, (16,))
    gradients = []
    for _ in range(2):
        model.zero_grad()
        OVLRLoss(zero_one_loss, generator=torch.Generator().manual_seed(7)).backward(
            model(inputs), labels)
        gradients.append(_flat_gradient(model).clone())
    assert torch.equal(*gradients)


def test_bad_inputs_raise_errors_that_say_what_to_do():
    model, inputs, labels = torch.nn.Linear(4, 3), torch.randn(8, 4), torch.randint(0, 3, (8,))
    criterion = OVLRLoss(zero_one_loss, n_pairs=2)
    with pytest.raises(ValueError, match="require grad"):
        criterion.backward(model(inputs).detach(), labels)
    with pytest.raises(ValueError, match="one loss per row"):
        OVLRLoss(lambda outputs, t: outputs, n_pairs=2).backward(model(inputs), labels)
    with pytest.raises(ValueError, match="one row per output row"):
        criterion.backward(model(inputs), labels[:5])
    with pytest.raises(TypeError, match="torch.Generator"):
        ovlr_backward(model(inputs), labels, zero_one_loss, OutputEstimator(),
                      np.random.default_rng(0))
    with pytest.raises(TypeError, match="per_sample_loss"):
        OVLRLoss("zero_one")
    with pytest.raises(ValueError, match="cap"):
        truncated_squared_loss(0.0)


def test_parameter_space_lr_estimates_the_gradient_in_both_modes():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    inputs, labels = torch.randn(32, 3), torch.randint(0, 2, (32,))
    F.cross_entropy(model(inputs), labels).backward()
    exact = _flat_gradient(model).clone()
    for chunk in (None, 0, 7):
        model.zero_grad(set_to_none=True)
        parameter_lr_backward(model, inputs, labels, sigma=0.01, n_pairs=400,
                              generator=torch.Generator().manual_seed(0), chunk=chunk)
        assert _cosine(_flat_gradient(model), exact) > 0.95


def test_peak_step_bytes_sees_a_temporary_allocation():
    def step() -> None:
        scratch = torch.ones(2**18)  # 1 MiB, freed at once
        del scratch

    assert peak_step_bytes(step) >= 2**20


def test_cost_rows_show_parameter_lr_memory_grows_with_samples():
    rows = {row["method"]: row for row in cost_rows(width=64, depth=2, batch=16, n_inputs=32,
                                                    n_pairs=20, steps=1)}
    backprop, vmap = rows["backprop"], rows["param-space LR (vmap, all samples)"]
    ovlr = rows["OVLR (output level)"]
    assert backprop["peak MiB (step)"] > 0 and backprop["ms / step"] > 0  # both were measured
    for row in (vmap, ovlr):  # the ratio columns are each row over backprop, not the reverse
        assert row["memory x backprop"] == pytest.approx(
            row["peak MiB (total)"] / backprop["peak MiB (total)"])
        assert row["time x backprop"] == pytest.approx(row["ms / step"] / backprop["ms / step"])
    assert vmap["memory x backprop"] > 5 * ovlr["memory x backprop"]  # measured 23.3 vs 2.0
    assert vmap["peak MiB (step)"] > 5 * ovlr["peak MiB (step)"]


def test_sine_command_prints_a_markdown_table(capsys):
    main(["sine", "--steps", "3", "--seeds", "0"])
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| init offset | method |")
    assert len(table) == 2 + 3 * 4  # header, rule, 3 inits x 4 methods
    assert not any(math.isnan(float(line.split("|")[4].split("±")[0])) for line in table[2:])


def test_module_docstring_example_runs():
    import doctest

    import ovlr_bbo.training.loss

    result = doctest.testmod(ovlr_bbo.training.loss)
    assert result.attempted > 0 and result.failed == 0
