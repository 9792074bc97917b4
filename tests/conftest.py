"""Shared test configuration: hypothesis profiles and small helpers."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci" (the default) keeps the run to a few minutes on two cores and is derandomized, so a given commit
# passes or fails the same way every time.  "explore" draws fresh examples on every run, and "thorough" many
# more of them; use them locally to hunt for new counterexamples:
#   HYPOTHESIS_PROFILE=explore pytest
_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=40, derandomize=True, **_common)
settings.register_profile("explore", max_examples=40, **_common)
settings.register_profile("thorough", max_examples=500, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
