"""Shared test configuration: hypothesis profiles and small helpers.

Three profiles, chosen with the environment variable HYPOTHESIS_PROFILE (see ``strategies.examples``):

- ``ci`` (the default): derandomized, so a given commit passes or fails the same way every time; a test draws
  the budget it asks for with ``@settings(max_examples=examples(n))`` (``n``), or 40 if it asks for none.
- ``explore``: the same numbers of draws as ``ci``, but fresh random examples on every run.
- ``thorough``: fresh examples, and at least 500 draws for every property test.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from strategies import DEFAULT_EXAMPLES, HYPOTHESIS_PROFILE, THOROUGH_EXAMPLES

# Every setting is stated, none inherited: when the environment variable CI is set, Hypothesis makes its own
# derandomized profile the default, and a profile registered without derandomize=False would inherit it.
_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=DEFAULT_EXAMPLES, derandomize=True, **_common)
settings.register_profile("explore", max_examples=DEFAULT_EXAMPLES, derandomize=False, **_common)
settings.register_profile("thorough", max_examples=THOROUGH_EXAMPLES, derandomize=False, **_common)
settings.load_profile(HYPOTHESIS_PROFILE)
