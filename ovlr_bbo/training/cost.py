"""Time and peak memory of one training step: backprop vs OVLR vs parameter-space LR.

All three train the same MLP on the same batch and loss (cross-entropy, so backprop applies).
OVLR perturbs only the outputs (``2 * n_pairs`` copies of a ``(batch, 10)`` tensor) and runs one
backward pass. Parameter-space LR perturbs *every weight* with the same ``2 * n_pairs`` antithetic
samples and evaluates the network once per perturbation, either all at once with
``torch.func.vmap`` (fast, memory grows with samples x parameters) or one by one in a loop.

Peak memory: the gradients are set to ``None``, then the step (estimate + optimizer step) runs
under ``torch.profiler`` (``profile_memory=True``) and its allocation and free events are replayed
in time order. "step" is the peak of tensor bytes allocated by the step (gradient buffers and every
temporary, including those inside an op); "total" adds what was alive before it (weights and
batch), which is what ``torch.cuda.max_memory_allocated`` would show on a GPU. Neither counts the
allocator's cache or Python objects. Time: median wall time of ``steps`` steps (gradient reset
included) after one warm-up step, measured without the profiler.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch.func import functional_call, vmap
from torch.profiler import ProfilerActivity, profile

from .loss import OVLRLoss

__all__ = ["mlp", "parameter_lr_backward", "peak_step_bytes", "step_seconds", "cost_rows"]


def mlp(n_inputs: int, width: int, depth: int, n_outputs: int) -> torch.nn.Sequential:
    """``depth`` hidden ReLU layers of ``width`` units."""
    layers, size = [], n_inputs
    for _ in range(depth):
        layers += [torch.nn.Linear(size, width), torch.nn.ReLU()]
        size = width
    return torch.nn.Sequential(*layers, torch.nn.Linear(size, n_outputs))


def parameter_lr_backward(model: torch.nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
                          sigma: float, n_pairs: int, generator: torch.Generator,
                          chunk: int | None = None) -> None:
    """Parameter-space antithetic LR: ``grad = mean_i (L(w + s e_i) - L(w - s e_i)) e_i / (2 s)``
    with ``L`` the batch-mean cross-entropy; ``chunk`` pairs are evaluated per ``vmap`` call
    (``None``: all pairs at once, ``0``: a plain loop, one network evaluation at a time)."""
    params = {name: p.detach() for name, p in model.named_parameters()}
    gradient = {name: torch.zeros_like(p) for name, p in params.items()}

    def batch_loss(weights: dict[str, torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(functional_call(model, weights, (inputs,)), labels)

    size = n_pairs if chunk is None else max(chunk, 1)
    evaluate = batch_loss if chunk == 0 else vmap(batch_loss)
    with torch.no_grad():
        for start in range(0, n_pairs, size):
            count = min(size, n_pairs - start)
            shape = () if chunk == 0 else (count,)
            eps = {name: torch.randn(shape + p.shape, generator=generator)
                   for name, p in params.items()}
            plus = evaluate({name: p + sigma * eps[name] for name, p in params.items()})
            minus = evaluate({name: p - sigma * eps[name] for name, p in params.items()})
            weights = (plus - minus) / (2 * sigma * n_pairs)
            for name, noise in eps.items():
                gradient[name] += (weights.reshape(-1, *[1] * (noise.dim() - weights.dim()))
                                   * noise).reshape(-1, *params[name].shape).sum(dim=0)
    for name, p in model.named_parameters():
        p.grad = gradient[name] if p.grad is None else p.grad + gradient[name]


def peak_step_bytes(step: Callable[[], None], reset: Callable[[], None] | None = None) -> int:
    """Peak tensor bytes allocated by ``step()`` above the level before it, after ``reset()``
    (run outside the measurement; see the module doc)."""
    if reset is not None:
        reset()
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        step()
    events = [event for event in profiler.profiler.kineto_results.events()
              if event.name() == "[memory]"]
    level = peak = 0
    for event in sorted(events, key=lambda event: event.start_ns()):
        level += event.nbytes()
        peak = max(peak, level)
    return peak


def step_seconds(step: Callable[[], None], steps: int,
                 reset: Callable[[], None] | None = None) -> float:
    """Median wall time of ``reset(); step()`` over ``steps`` calls after one warm-up call."""
    reset = reset or (lambda: None)
    reset()
    step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        reset()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _training_steps(model: torch.nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
                    sigma: float, n_pairs: int, seed: int) -> dict[str, Callable[[], None]]:
    """Name -> one training step (gradient estimate + optimizer step) that expects no gradients."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # lr 0: every step sees the same model
    criterion = OVLRLoss(lambda z, t: F.cross_entropy(z, t, reduction="none"), sigma=sigma,
                         n_pairs=n_pairs, generator=torch.Generator().manual_seed(seed))
    noise = torch.Generator().manual_seed(seed)

    def with_step(backward: Callable[[], object]) -> Callable[[], None]:
        def step() -> None:
            backward()
            optimizer.step()
        return step

    return {
        "backprop": with_step(lambda: F.cross_entropy(model(inputs), labels).backward()),
        "OVLR (output level)": with_step(lambda: criterion.backward(model(inputs), labels)),
        "param-space LR (vmap, all samples)": with_step(lambda: parameter_lr_backward(
            model, inputs, labels, sigma, n_pairs, noise)),
        "param-space LR (loop)": with_step(lambda: parameter_lr_backward(
            model, inputs, labels, sigma, n_pairs, noise, chunk=0)),
    }


def cost_rows(width: int = 512, depth: int = 3, batch: int = 128, n_inputs: int = 784,
              n_pairs: int = 100, sigma: float = 0.5, steps: int = 5, seed: int = 0) -> list[dict]:
    """One row per method: median ms per step, peak MiB (step and total), and time and total
    memory as multiples of backprop."""
    torch.manual_seed(seed)
    model = mlp(n_inputs, width, depth, 10)
    inputs, labels = torch.randn(batch, n_inputs), torch.randint(0, 10, (batch,))
    n_params = sum(p.numel() for p in model.parameters())
    resident = sum(t.numel() * t.element_size() for t in (*model.parameters(), inputs, labels))

    def reset() -> None:
        model.zero_grad(set_to_none=True)

    rows: list[dict[str, Any]] = []
    for name, step in _training_steps(model, inputs, labels, sigma, n_pairs, seed).items():
        step_peak = peak_step_bytes(step, reset)
        rows.append({"method": name, "ms / step": 1e3 * step_seconds(step, steps, reset),
                     "peak MiB (step)": step_peak / 2**20,
                     "peak MiB (total)": (step_peak + resident) / 2**20})
    for row in rows:
        row["time x backprop"] = row["ms / step"] / rows[0]["ms / step"]
        row["memory x backprop"] = row["peak MiB (total)"] / rows[0]["peak MiB (total)"]
        row["setting"] = (f"MLP {n_inputs}-{width}x{depth}-10 ({n_params:,} params), batch {batch}"
                          f", {2 * n_pairs} samples" if row is rows[0] else "")
    return rows
