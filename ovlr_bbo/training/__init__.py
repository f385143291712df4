"""Training ordinary networks on non-differentiable losses with the OVLR estimator.

:mod:`.loss` holds :class:`OVLRLoss` and :func:`ovlr_backward`; :mod:`.cost` measures time and
memory per step against backprop and parameter-space LR; :mod:`.demos` holds the runnable demos
behind ``ovlr-bbo train-demo``.
"""

from .loss import OVLRLoss, PerSampleLoss, ovlr_backward, truncated_squared_loss, zero_one_loss

__all__ = ["PerSampleLoss", "OVLRLoss", "ovlr_backward", "zero_one_loss", "truncated_squared_loss"]
