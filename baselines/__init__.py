"""Baselines OVLR is compared with, all behind the ask/tell contract of
:class:`ovlr_bbo.AskTellOptimizer` and the search spaces of :mod:`ovlr_bbo.spaces`.

Names for :func:`ovlr_bbo.optimizers.make_optimizer` are given in brackets.
"""

from .cem import CEM, SEED_SETTINGS  # [cem], [cem-seed]
from .cmaes import CMAES  # [cmaes]
from .evolutionary import RLS, OnePlusOneEA  # [rls], [ea]
from .nevergrad_adapter import NevergradOptimizer  # [ng:<Name>]
from .random_search import RandomSearch  # [random]
from .reinforce import Reinforce  # [reinforce]

__all__ = ["CEM", "SEED_SETTINGS", "CMAES", "OnePlusOneEA", "RLS", "NevergradOptimizer",
           "RandomSearch", "Reinforce"]
