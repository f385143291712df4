"""Mixed-variable problems with known optima (loss 0), as hyperparameter searches look.

Each entry of :data:`MIXED_PROBLEMS` is ``(build, loss)``: ``build()`` returns a fresh nevergrad
parametrization, ``loss(*args, **kwargs)`` scores a value of it. Continuous, log-scaled, integer
and categorical variables interact, and the optimum is off the centre of every variable.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["MIXED_PROBLEMS"]


def _training_like():
    import nevergrad as ng

    return ng.p.Instrumentation(
        lr=ng.p.Log(lower=1e-5, upper=1.0),
        batch=ng.p.Scalar(lower=8, upper=512).set_integer_casting(),
        activation=ng.p.Choice(["relu", "tanh", "gelu", "silu"]),
        depth=ng.p.TransitionChoice([1, 2, 3, 4, 5, 6]),
        dropout=ng.p.Scalar(lower=0.0, upper=0.9),
        weight_decay=ng.p.Log(lower=1e-7, upper=1e-1),
    )


def _training_loss(lr: float, batch: int, activation: str, depth: int, dropout: float,
                   weight_decay: float) -> float:
    # a valley in (log lr, log batch): the best lr grows with the batch (linear scaling)
    valley = (np.log10(lr) - (np.log2(batch) - 6) * 0.3 + 2.5) ** 2
    return float(valley + 0.05 * (np.log2(batch) - 7) ** 2 + (activation != "gelu") * 0.5
                 + 0.1 * abs(depth - 4) + (dropout - 0.2) ** 2 * 4
                 + 0.05 * (np.log10(weight_decay) + 4) ** 2)


def _mixed_sphere():
    import nevergrad as ng

    return ng.p.Instrumentation(
        ng.p.Array(shape=(6,), lower=-5, upper=5),
        ng.p.Array(shape=(4,), lower=0, upper=10).set_integer_casting(),
        ng.p.Choice(list(range(5)), repetitions=3),
    )


def _mixed_sphere_loss(reals: np.ndarray, integers: np.ndarray, choices: tuple) -> float:
    rotation = np.linspace(0.5, 2.0, reals.size)
    return float(((reals - 1.7) ** 2 * rotation).sum() + ((integers - 7) ** 2).sum()
                 + sum(c != 3 for c in choices) * 2.0)


def _conditional():
    import nevergrad as ng

    return ng.p.Instrumentation(
        model=ng.p.Choice(["linear", "tree", "net"]),
        c=ng.p.Log(lower=1e-4, upper=1e4),
        leaves=ng.p.Scalar(lower=2, upper=256).set_integer_casting(),
        width=ng.p.Scalar(lower=4, upper=1024).set_integer_casting(),
        momentum=ng.p.Scalar(lower=0.0, upper=0.999),
    )


def _conditional_loss(model: str, c: float, leaves: int, width: int, momentum: float) -> float:
    # each model uses some variables; "net" with the right width and momentum is the optimum
    if model == "linear":
        return float(1.0 + 0.1 * (np.log10(c) - 1) ** 2)
    if model == "tree":
        return float(0.5 + 0.2 * (np.log2(leaves) - 5) ** 2)
    return float(0.3 * (np.log2(width) - 8.5) ** 2 / 4 + 10 * (momentum - 0.9) ** 2
                 + 0.05 * (np.log10(c) + 1) ** 2)


MIXED_PROBLEMS: dict[str, tuple[Callable, Callable[..., float]]] = {
    "training": (_training_like, _training_loss),
    "mixed-sphere": (_mixed_sphere, _mixed_sphere_loss),
    "conditional": (_conditional, _conditional_loss),
}
