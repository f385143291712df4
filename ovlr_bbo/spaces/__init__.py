"""Search spaces: how a (perturbed) policy output becomes a candidate, and the space's geometry.

See :mod:`ovlr_bbo.spaces.base` for the contract every space meets.
"""

from .base import Space
from .continuous import Box, RandomKeys
from .discrete import Binary, Categorical, Integer, Permutation
from .product import ProductSpace

__all__ = ["Space", "Box", "RandomKeys", "Binary", "Integer", "Categorical", "Permutation",
           "ProductSpace"]
