"""`make bench`: speed figures, each beside a baseline measured in the same run, as a ratio.

Timings are medians of many repeats on this machine; they are reported, never asserted in tests.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ldn_aid.content import load_content
from ldn_aid.rules import build_protocol, evaluate
from ldn_aid.visit_file import parse_visit

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "ldn_option.json"


def median_seconds(work: Callable[[], object], repeats: int, warmup: int = 50) -> float:
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report(name: str, ours: float, baseline_name: str, baseline: float, aim: str) -> None:
    print(
        f"{name:<38} {ours * 1e3:9.3f} ms | baseline {baseline_name:<34} {baseline * 1e3:9.3f} ms"
        f" | ratio {ours / baseline:6.2f}x | aim: {aim}"
    )


def bench_assessment() -> None:
    raw = EXAMPLE.read_bytes()
    visit = parse_visit(raw)
    content = load_content("en")

    def assess() -> None:
        build_protocol(visit, evaluate(visit, content))

    ours = median_seconds(assess, repeats=2000)
    baseline = median_seconds(lambda: parse_visit(raw), repeats=2000)
    report("evaluate + build_protocol", ours, "parse + validate the visit file", baseline, "well under 1 ms")


def main() -> int:
    print(
        f"# LDN Aid benchmarks - Python {platform.python_version()} on {platform.machine()}, "
        f"{platform.system()}; {json.dumps({'cpus': __import__('os').cpu_count()})}"
    )
    bench_assessment()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
