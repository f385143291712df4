"""ovlr-bbo: black-box optimization with output-level variance-reduced likelihood ratios."""

from . import nevergrad, shaping, spaces  # importing nevergrad registers OVLR there
from .ask_tell import AskTellOptimizer, Best
from .estimator import OutputEstimator
from .ovlr import OVLR
from .policy import MLPPolicy, OutputVector
from .training import OVLRLoss, ovlr_backward

__all__ = ["OVLR", "AskTellOptimizer", "Best", "OutputEstimator", "MLPPolicy", "OutputVector",
           "OVLRLoss", "ovlr_backward",
           "nevergrad", "shaping", "spaces"]
__version__ = "0.1.0"
