"""Wall time of the main job, `detente compare` on the default scenario, start-up included.

Run: python benchmarks/bench_compare.py  (prints the median of 3 runs of each command)
"""

import statistics
import subprocess
import sys
import time

COMMANDS = [["compare"], ["intervals", "-s", "grim", "--over", "detection"], ["metagame"]]

for args in COMMANDS:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "solver", *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    print(f"detente {' '.join(args):45s} {statistics.median(times):6.2f} s")
