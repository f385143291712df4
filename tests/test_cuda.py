"""The CUDA branches: OVLR (vector and MLP policies, elitist re-centring and guided polish on the
device), state_dict across devices, the training loss and the speed benchmark's GPU memory.

Skipped with a reason on machines without CUDA. ``OVLR_TEST_DEVICE=cpu`` runs the same checks on
the CPU (to check the tests themselves on a machine without a GPU).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from ovlr_bbo import OVLR, OVLRLoss, spaces
from ovlr_bbo.bench.speed import Cell, Settings, measure_cell

DEVICE = torch.device(os.environ.get("OVLR_TEST_DEVICE", "cuda"))

pytestmark = pytest.mark.skipif(DEVICE.type == "cuda" and not torch.cuda.is_available(),
                                reason="needs a CUDA device (torch.cuda.is_available() is False)")

SPACES = {"binary": spaces.Binary(16), "box": spaces.Box(-2.0, 2.0, dimension=4),
          "permutation": spaces.Permutation(6)}


def score(space: spaces.Space, X: np.ndarray) -> np.ndarray:
    """OneMax on bits, the sphere on the box, fixed points of an ordering (all maximised)."""
    if isinstance(space, spaces.Box):
        return -((X - 0.5) ** 2).sum(axis=1)
    if isinstance(space, spaces.Permutation):
        return (X == np.arange(space.dimension)).sum(axis=1).astype(float)
    return X.sum(axis=1).astype(float)


def play(opt: OVLR, asks: int) -> list[np.ndarray]:
    asked = []
    for _ in range(asks):
        X = opt.ask()
        asked.append(X.copy())
        opt.tell(X, score(opt.space, X))
    return asked


@pytest.mark.parametrize("policy", ["vector", "mlp"])
@pytest.mark.parametrize("kind", list(SPACES))
def test_ovlr_runs_and_learns_on_the_device(kind, policy):
    space = SPACES[kind]
    opt = OVLR(space, policy=policy, device=DEVICE, seed=0, maximize=True)
    assert all(p.device.type == DEVICE.type for p in opt.policy.parameters())
    for X in play(opt, 60):
        assert X.dtype == space.dtype and X.shape[1] == space.dimension
        space.validate(X)
    assert all(p.device.type == DEVICE.type for p in opt.policy.parameters())
    first = score(space, space.sample(np.random.default_rng(0), 200)).mean()
    assert opt.best.score > first


def test_default_ovlr_solves_onemax_on_the_device():
    """Bits with the vector policy: elitist re-centring and the guided polish run on the device."""
    opt = OVLR(spaces.Binary(16), device=DEVICE, seed=0, maximize=True)
    assert opt.minimize(lambda x: x.sum(), budget=400).score == 16


def test_device_stream_is_reproducible_and_resumes_from_a_saved_state(tmp_path):
    space = spaces.Binary(16)
    first = OVLR(space, device=DEVICE, seed=3, maximize=True)
    asked = play(first, 8)
    again = play(OVLR(space, device=DEVICE, seed=3, maximize=True), 8)
    for a, b in zip(asked, again, strict=True):
        np.testing.assert_array_equal(a, b)
    torch.save(first.state_dict(), tmp_path / "state.pt")
    saved_best = first.best.score
    state = torch.load(tmp_path / "state.pt", weights_only=True)
    receiver = OVLR(space, device=DEVICE, seed=4, maximize=True)
    receiver.load_state_dict(state)
    for a, b in zip(play(first, 5), play(receiver, 5), strict=True):
        np.testing.assert_array_equal(a, b)
    on_cpu = OVLR(space, device="cpu", seed=4, maximize=True)  # a GPU checkpoint, resumed on CPU
    on_cpu.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True,
                                      map_location="cpu"))
    assert all(p.device.type == "cpu" for p in on_cpu.policy.parameters())
    assert on_cpu.best.score == saved_best
    play(on_cpu, 3)


def test_training_loss_on_the_device():
    torch.manual_seed(0)
    model = torch.nn.Linear(6, 3).to(DEVICE)
    inputs = torch.randn(64, 6, device=DEVICE)
    labels = torch.randint(0, 3, (64,), device=DEVICE)

    def zero_one(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return (outputs.argmax(-1) != targets).float()

    criterion = OVLRLoss(zero_one, sigma=1.0, n_pairs=16,
                         generator=torch.Generator(DEVICE).manual_seed(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    errors = []
    for _ in range(80):
        optimizer.zero_grad()
        errors.append(float(criterion.backward(model(inputs), labels)))
        assert all(p.grad.device.type == DEVICE.type for p in model.parameters())
        optimizer.step()
    assert np.mean(errors[-10:]) < np.mean(errors[:10])
    if DEVICE.type == "cuda":
        wrong = OVLRLoss(zero_one, generator=torch.Generator().manual_seed(0))
        with pytest.raises(ValueError, match="generator"):
            wrong.backward(model(inputs), labels)


def test_speed_benchmark_reports_gpu_memory():
    row = measure_cell(Cell("ovlr", "binary", 8), Settings(evaluations=16, device=str(DEVICE)))
    assert row.error is None and row.evaluations >= 16
    if DEVICE.type == "cuda":
        assert row.gpu_peak_bytes is not None and row.gpu_peak_bytes > 0
    else:
        assert row.gpu_peak_bytes is None
