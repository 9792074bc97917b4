"""The hypothesis profiles govern the number of draws, as the README says: no test pins its own count."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import strategies
from strategies import THOROUGH_EXAMPLES, examples

TESTS = Path(__file__).resolve().parent


def test_no_test_pins_its_number_of_draws():
    # a literal max_examples overrides every profile, so `thorough` would not draw more for that test
    pinned = []
    for path in sorted(TESTS.glob("test_*.py")):
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer(r"max_examples\s*=\s*([^,)\s]+)", line):
                if not m.group(1).startswith(("examples(", "DEFAULT_EXAMPLES", "THOROUGH_EXAMPLES")):
                    pinned.append(f"{path.name}:{k}")
    assert pinned == []


def test_examples_scales_only_under_thorough(monkeypatch):
    for profile, expected in (("ci", 12), ("explore", 12), ("thorough", THOROUGH_EXAMPLES)):
        monkeypatch.setattr(strategies, "HYPOTHESIS_PROFILE", profile)
        assert examples(12) == expected
    assert examples(THOROUGH_EXAMPLES + 1) == THOROUGH_EXAMPLES + 1  # never fewer than asked


def test_a_test_draws_what_the_active_profile_gives_it():
    calls = []

    @settings(max_examples=examples(7))
    @given(st.integers())
    def probe(n):
        calls.append(n)

    probe()
    assert len(calls) == examples(7)
    # the explicit budget keeps the rest of the profile: ci is derandomized, the others are not
    assert settings(max_examples=examples(7)).derandomize is (strategies.HYPOTHESIS_PROFILE == "ci")


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import conftest  # registers and loads the profile named by HYPOTHESIS_PROFILE
from hypothesis import given, settings, strategies as st
from strategies import examples
calls = []

@settings(max_examples=examples(7))
@given(st.integers())
def probe(n):
    calls.append(n)

probe()
print(len(calls), settings.default.max_examples, settings.default.derandomize)
"""


def test_thorough_draws_500_for_every_test():
    env = dict(os.environ, HYPOTHESIS_PROFILE="thorough")
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=str(TESTS))], capture_output=True, text=True,
                         env=env, check=True, cwd=TESTS.parent)
    assert out.stdout.split() == [str(THOROUGH_EXAMPLES), str(THOROUGH_EXAMPLES), "False"]
