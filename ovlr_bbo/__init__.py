"""ovlr-bbo: black-box optimization with output-level variance-reduced likelihood ratios.

Importing it does not import nevergrad (seconds of start-up). OVLR is registered in nevergrad's
registry by ``import ovlr_bbo.integrations.nevergrad``, or by importing ``ovlr_bbo`` after
nevergrad.
"""

import sys

from . import shaping, spaces
from .ask_tell import AskTellOptimizer, Best
from .estimator import OutputEstimator
from .ovlr import OVLR
from .policy import MLPPolicy, OutputVector
from .training import OVLRLoss, ovlr_backward

if "nevergrad" in sys.modules:  # `import nevergrad as ng; import ovlr_bbo` registers OVLR
    from .integrations import nevergrad as _nevergrad  # noqa: F401

__all__ = ["OVLR", "AskTellOptimizer", "Best", "OutputEstimator", "MLPPolicy", "OutputVector",
           "OVLRLoss", "ovlr_backward", "shaping", "spaces"]
__version__ = "0.1.0"
