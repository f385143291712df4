"""ovlr-bbo: black-box optimization with output-level variance-reduced likelihood ratios."""

from . import nevergrad as _nevergrad  # registers OVLR, DiscreteOVLR, ContinuousOVLR in nevergrad
from . import shaping, spaces
from .ask_tell import AskTellOptimizer, Best
from .estimator import OutputEstimator
from .ovlr import OVLR
from .policy import MLPPolicy, OutputVector

__all__ = ["OVLR", "AskTellOptimizer", "Best", "OutputEstimator", "MLPPolicy", "OutputVector",
           "shaping", "spaces"]
__version__ = "0.1.0"
