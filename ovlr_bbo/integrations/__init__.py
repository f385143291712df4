"""Entry points from other libraries: nevergrad's registry and IOHexperimenter.

Neither is imported with ``ovlr_bbo`` (nevergrad alone takes seconds to import):
``import ovlr_bbo.integrations.nevergrad`` registers OVLR in ``ng.optimizers.registry`` (importing
``ovlr_bbo`` after nevergrad does it too), ``ovlr_bbo.integrations.ioh.Algorithm`` wraps any
optimizer of the registry as an ioh algorithm.
"""
