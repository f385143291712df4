"""Runnable examples for :mod:`ovlr_bbo.training`; each prints a markdown table.

    python -m ovlr_bbo.training.demos sine     # robust regression under a truncated loss
    python -m ovlr_bbo.training.demos digits   # 0-1 loss classification with label noise
    python -m ovlr_bbo.training.demos cost     # time and peak memory per training step

Every method in a comparison trains the same network from the same initial weights with the same
optimizer, learning rate, batches and number of steps; only the gradient differs.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..bench import tables
from ..bench.config import parse_int_list
from .cost import cost_rows
from .loss import OVLRLoss, truncated_squared_loss, zero_one_loss

__all__ = ["SineSetting", "DigitsSetting", "sine_rows", "digits_rows", "markdown_table", "main"]


def markdown_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """Rows of dicts as a markdown table (floats with 4 significant digits), through the
    project's one table writer."""
    return tables.markdown_table(columns, [[row[name] for name in columns] for row in rows],
                                 digits=4)


def _mean_std(values: Sequence[float]) -> str:
    return f"{np.mean(values):.3g} ± {np.std(values):.2g}"


# ---------------------------------------------------------------- example 1: robust regression
@dataclass
class SineSetting:
    """Fit ``sin(x)`` on ``[-pi, pi]`` from ``n_points`` noisy samples (noise sd 0.1), of which a
    fraction ``outlier_fraction`` are gross errors ``sin(x) + U[3, 6]`` (one-sided, so they bias a
    least-squares fit). MLP 1-64-64-1 (tanh), PyTorch's default init, then ``init_offset`` added
    to the output bias; Adam, full batch. The truncated loss is ``min((y - t)^2, cap)``."""

    n_points: int = 256
    outlier_fraction: float = 0.2
    cap: float = 1.0
    steps: int = 1000
    lr: float = 1e-2
    sigma: float = 1.0
    n_pairs: int = 32


def _sine_data(seed: int, setting: SineSetting) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(setting.n_points, 1, generator=generator) * 2 * math.pi - math.pi
    targets = torch.sin(x) + 0.1 * torch.randn(setting.n_points, 1, generator=generator)
    outliers = torch.rand(setting.n_points, generator=generator) < setting.outlier_fraction
    gross_errors = 3 + 3 * torch.rand(int(outliers.sum()), 1, generator=generator)
    targets[outliers] = torch.sin(x[outliers]) + gross_errors
    return x, targets


def _sine_network(seed: int, init_offset: float) -> torch.nn.Module:
    torch.manual_seed(seed)
    network = torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
                                  torch.nn.Tanh(), torch.nn.Linear(64, 1))
    last = network[-1]
    assert isinstance(last, torch.nn.Linear)
    with torch.no_grad():
        last.bias.add_(init_offset)
    return network


def train_sine(method: str, seed: int, init_offset: float, setting: SineSetting) -> float:
    """Train with ``method`` (``ovlr-truncated``, ``backprop-truncated``, ``backprop-mse``,
    ``ovlr-mse``); return the MSE against the clean ``sin`` on a 1000-point grid."""
    x, targets = _sine_data(seed, setting)
    network = _sine_network(seed, init_offset)
    optimizer = torch.optim.Adam(network.parameters(), lr=setting.lr)
    estimator_name, loss_name = method.split("-")
    loss = truncated_squared_loss(setting.cap) if loss_name == "truncated" else (
        lambda outputs, t: ((outputs - t) ** 2).sum(dim=1))
    criterion = OVLRLoss(loss, sigma=setting.sigma, n_pairs=setting.n_pairs,
                         generator=torch.Generator().manual_seed(seed))
    for _ in range(setting.steps):
        optimizer.zero_grad()
        outputs = network(x)
        if estimator_name == "ovlr":
            criterion.backward(outputs, targets)
        else:
            loss(outputs, targets).mean().backward()
        optimizer.step()
    grid = torch.linspace(-math.pi, math.pi, 1000).unsqueeze(1)
    with torch.no_grad():
        return float(((network(grid) - torch.sin(grid)) ** 2).mean())


SINE_METHODS = ("ovlr-truncated", "backprop-truncated", "backprop-mse", "ovlr-mse")


def sine_rows(seeds: Sequence[int] = (0, 1, 2), init_offsets: Sequence[float] = (0.0, -3.0, 3.0),
              setting: SineSetting | None = None) -> list[dict]:
    """One row per (init offset, method): MSE vs the clean signal, mean ± sd and per seed."""
    setting = setting or SineSetting()
    rows = []
    for offset in init_offsets:
        for method in SINE_METHODS:
            errors = [train_sine(method, seed, offset, setting) for seed in seeds]
            rows.append({"init offset": offset, "method": method,
                         "MSE vs clean (mean ± sd)": _mean_std(errors),
                         "per seed": ", ".join(f"{e:.3g}" for e in errors)})
    return rows


# ------------------------------------------------------------- example 2: 0-1 loss classification
@dataclass
class DigitsSetting:
    """scikit-learn's digits (8x8, 1797 images; pixels / 16): 1200 for training with a fraction
    ``label_noise`` of labels replaced by a uniformly drawn *other* class, the remaining 597 clean
    for testing. MLP 64-128-10 (ReLU), Adam, minibatches of ``batch`` drawn with replacement."""

    label_noise: float = 0.25
    steps: int = 2000
    batch: int = 128
    lr: float = 1e-3
    sigma: float = 1.0
    n_pairs: int = 32
    n_train: int = 1200


def _digits_data(seed: int, setting: DigitsSetting) -> tuple[torch.Tensor, ...]:
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise ImportError("the digits example needs scikit-learn: pip install "
                          "'ovlr-bbo[examples]' (or pip install scikit-learn)") from error
    images, labels = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    images = torch.tensor(images[order] / 16.0, dtype=torch.float32)
    labels = torch.tensor(labels[order])
    n_train = setting.n_train
    train_labels = labels[:n_train].clone()
    flipped = torch.from_numpy(rng.random(n_train) < setting.label_noise)
    shift = torch.from_numpy(rng.integers(1, 10, n_train))
    train_labels[flipped] = (train_labels[flipped] + shift[flipped]) % 10
    return images[:n_train], train_labels, images[n_train:], labels[n_train:]


def _cross_entropy(outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(outputs, labels, reduction="none")


def train_digits(method: str, seed: int, setting: DigitsSetting,
                 checkpoints: Sequence[int]) -> list[float]:
    """Train with ``method`` (``ovlr-01``, ``backprop-ce``, ``ovlr-ce``); test accuracy at each
    checkpoint step."""
    train_x, train_y, test_x, test_y = _digits_data(seed, setting)
    torch.manual_seed(seed)
    network = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(),
                                  torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(network.parameters(), lr=setting.lr)
    batches = torch.Generator().manual_seed(seed)
    loss = zero_one_loss if method == "ovlr-01" else _cross_entropy
    criterion = OVLRLoss(loss, sigma=setting.sigma, n_pairs=setting.n_pairs,
                         generator=torch.Generator().manual_seed(seed))
    accuracies = []
    for step in range(1, setting.steps + 1):
        rows = torch.randint(0, len(train_y), (setting.batch,), generator=batches)
        optimizer.zero_grad()
        outputs = network(train_x[rows])
        if method == "backprop-ce":
            loss(outputs, train_y[rows]).mean().backward()
        else:
            criterion.backward(outputs, train_y[rows])
        optimizer.step()
        if step in checkpoints:
            with torch.no_grad():
                accuracies.append(float((network(test_x).argmax(-1) == test_y).float().mean()))
    return accuracies


DIGITS_METHODS = ("ovlr-01", "backprop-ce", "ovlr-ce")


def digits_rows(seeds: Sequence[int] = (0, 1, 2), setting: DigitsSetting | None = None,
                methods: Sequence[str] = DIGITS_METHODS) -> list[dict]:
    """One row per method: clean test accuracy (mean ± sd over seeds) at 1/4, 1/2 and all steps."""
    setting = setting or DigitsSetting()
    checkpoints = sorted({max(1, setting.steps // 4), max(1, setting.steps // 2), setting.steps})
    rows = []
    for method in methods:
        runs = np.array([train_digits(method, seed, setting, checkpoints) for seed in seeds])
        row = {"method": method}
        row.update({f"test acc @ {step} steps": _mean_std(runs[:, i].tolist())
                    for i, step in enumerate(checkpoints)})
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------- command line
def _seeds(text: str) -> list[int]:
    return parse_int_list(text, "--seeds")


def _run_sine(args: argparse.Namespace) -> str:
    setting = SineSetting(steps=args.steps or SineSetting.steps)
    rows = sine_rows(_seeds(args.seeds), setting=setting)
    return markdown_table(rows, list(rows[0]))


def _run_digits(args: argparse.Namespace) -> str:
    setting = DigitsSetting(steps=args.steps or DigitsSetting.steps)
    rows = digits_rows(_seeds(args.seeds), setting=setting)
    return markdown_table(rows, list(rows[0]))


def _run_cost(args: argparse.Namespace) -> str:
    rows = cost_rows(steps=args.steps or 5, seed=_seeds(args.seeds)[0])
    return markdown_table(rows, list(rows[0]))


DEMOS: dict[str, Callable[[argparse.Namespace], str]] = {
    "sine": _run_sine, "digits": _run_digits, "cost": _run_cost}


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m ovlr_bbo.training.demos {sine,digits,cost} [--seeds 0,1,2] [--steps N]
    [--threads 1]``."""
    parser = argparse.ArgumentParser(prog="ovlr-bbo train-demo",
                                     description="OVLR training examples; each prints a table.")
    parser.add_argument("demo", choices=sorted(DEMOS))
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (cost: the first)")
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps (sine 1000, digits 2000) or timed steps (cost 5)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (1 suits these small networks)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(DEMOS[args.demo](args))


if __name__ == "__main__":
    main()
