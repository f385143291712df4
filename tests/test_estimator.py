"""Statistical tests of the OVLR estimator (E1-E3) on losses with a known smoothed gradient."""

import numpy as np
import pytest
import torch

from ovlr_bbo import OutputEstimator

DIM = 5


def _gradient_draws(estimator: OutputEstimator, z: torch.Tensor, loss, draws: int, seed: int = 0):
    """``draws`` independent estimates of the output gradient at ``z`` (one row each)."""
    rng = np.random.default_rng(seed)
    outputs = z.expand(draws, -1)
    eps = estimator.sample_noise(rng, draws, (z.shape[-1],))
    losses = loss(estimator.perturb(outputs, eps))
    return estimator.output_gradient(eps, losses).numpy()


def _assert_unbiased(draws: np.ndarray, expected: np.ndarray) -> None:
    mean, standard_error = draws.mean(0), draws.std(0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(mean - expected) < 5 * standard_error + 1e-9), (mean, expected)


@pytest.mark.parametrize("noise", ["gaussian", "laplace", "rademacher"])
@pytest.mark.parametrize("antithetic", [True, False])
def test_linear_loss_gradient_is_unbiased(noise, antithetic):
    a = torch.tensor([1.0, -2.0, 0.5, 3.0, 0.0])
    estimator = OutputEstimator(sigma=0.7, n_pairs=2, noise=noise, antithetic=antithetic)
    draws = _gradient_draws(estimator, torch.zeros(DIM), lambda y: y @ a, 20_000)
    _assert_unbiased(draws, a.numpy())


@pytest.mark.parametrize("noise", ["gaussian", "laplace"])
def test_quadratic_loss_gradient_is_unbiased(noise):
    # E[|z + sigma eps - c|^2] = |z - c|^2 + sigma^2 d, whose gradient is 2 (z - c)
    c = torch.linspace(-1, 1, DIM)
    z = torch.full((DIM,), 0.3)
    estimator = OutputEstimator(sigma=1.5, n_pairs=3, noise=noise)
    draws = _gradient_draws(estimator, z, lambda y: ((y - c) ** 2).sum(-1), 20_000)
    _assert_unbiased(draws, (2 * (z - c)).numpy())


def test_antithetic_pairs_reduce_variance_on_quadratic():
    c = torch.linspace(-1, 1, DIM)
    z = torch.full((DIM,), 0.3)

    def loss(y):
        return ((y - c) ** 2).sum(-1) + 10.0  # a constant offset: plain sampling pays for it

    variances = {}
    for antithetic in (True, False):
        estimator = OutputEstimator(sigma=1.0, n_pairs=2, antithetic=antithetic)
        variances[antithetic] = _gradient_draws(estimator, z, loss, 5_000).var(0).sum()
    assert variances[True] < 0.5 * variances[False]


def test_shaping_is_applied_over_the_batch_or_per_row():
    losses = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]])
    batch = OutputEstimator(n_pairs=2, shaping="centered_ranks").utilities(losses)
    per_row = OutputEstimator(n_pairs=2, shaping="centered_ranks", per_row=True).utilities(losses)
    assert batch.max() == 0.5 and batch[0].max() < 0
    np.testing.assert_allclose(per_row[0], per_row[1])


def test_backward_reaches_every_parameter_with_one_vjp():
    model = torch.nn.Sequential(torch.nn.Conv1d(1, 3, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Linear(3 * 6, 4))
    outputs = model(torch.randn(5, 1, 8))
    vjp_calls = []
    outputs.register_hook(lambda grad: vjp_calls.append(grad.shape))
    estimator = OutputEstimator(sigma=0.5, n_pairs=3)
    losses = estimator.backward(outputs, lambda y: (y.argmax(-1) == 1).float(),
                                np.random.default_rng(0))
    assert losses.shape == (5, 6)
    assert vjp_calls == [torch.Size([5, 4])]
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_backward_accepts_a_torch_generator_and_is_reproducible():
    def run():
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 3)
        estimator = OutputEstimator(sigma=0.3, n_pairs=2, noise="laplace")
        estimator.backward(model(torch.ones(4, 2)), lambda y: y.abs().sum(-1),
                           torch.Generator().manual_seed(7))
        return model.weight.grad.clone()

    assert torch.equal(run(), run())


def test_backward_rejects_bad_input():
    estimator = OutputEstimator()
    with pytest.raises(ValueError, match="require grad"):
        estimator.backward(torch.zeros(2, 3), lambda y: y.sum(-1), np.random.default_rng(0))
    outputs = torch.zeros(2, 3, requires_grad=True)
    with pytest.raises(ValueError, match="one loss per perturbed output"):
        estimator.backward(outputs, lambda y: y.sum(), np.random.default_rng(0))


@pytest.mark.parametrize("settings", [{"sigma": 0}, {"sigma": -1}, {"sigma": float("nan")},
                                      {"n_pairs": 0}, {"noise": "cauchy"},
                                      {"shaping": "unknown"}])
def test_invalid_settings_raise(settings):
    with pytest.raises(ValueError):
        OutputEstimator(**settings)
