"""`make bench`: speed figures, each beside a baseline measured in the same run, as a ratio.

Timings are medians of many repeats on this machine; they are reported, never asserted in tests.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ldn_aid.content import load_rules
from ldn_aid.rules import decide
from ldn_aid.visit_file import parse_visit

EXAMPLE = Path(__file__).resolve().parent.parent / "ldn_aid" / "resources" / "examples" / "ldn_option.json"
FOLLOW_UP_EXAMPLE = EXAMPLE.with_name("followup_advance.json")


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
    rules = load_rules()

    def assess() -> None:
        # The one language-free pass: assessment, protocol, every follow-up and both gates.
        decide(visit, rules)

    ours = median_seconds(assess, repeats=2000)
    baseline = median_seconds(lambda: parse_visit(raw), repeats=2000)
    report(
        "decide (assess, protocol, gates)",
        ours,
        "parse + validate the visit file",
        baseline,
        "well under 1 ms",
    )


def bench_follow_ups(count: int = 100) -> None:
    """decide() reviews the follow-ups in one linear pass (red team D10: it used to grow with the
    square of their number): a visit with `count` reviews against `count` visits with one each."""
    import datetime as dt

    base = parse_visit(FOLLOW_UP_EXAMPLE.read_bytes())
    first = base.follow_ups[0]
    reviews = tuple(
        first.model_copy(update={"date": first.date + dt.timedelta(days=14 * index)})
        for index in range(count)
    )
    many = base.model_copy(update={"follow_ups": reviews})
    one = base.model_copy(update={"follow_ups": reviews[:1]})
    rules = load_rules()
    ours = median_seconds(lambda: decide(many, rules), repeats=20, warmup=2)
    single = median_seconds(lambda: decide(one, rules), repeats=200, warmup=10)
    report(
        f"decide, {count} follow-ups",
        ours,
        f"{count} x decide with one follow-up",
        single * count,
        "about 1x or less (linear)",
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in ("kind", "style") for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def bench_handout() -> None:
    # Imported here so the assessment figure above is measured without reportlab loaded.
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from ldn_aid.handout.compose import compose_for_visit
    from ldn_aid.pdf.render_pdf import render_pdf
    from ldn_aid.pdf.styles import FONT, register_fonts

    visit = parse_visit(EXAMPLE.read_bytes())
    pages = render_pdf(compose_for_visit(visit, "en"), io.BytesIO())

    def ours() -> None:
        # decide + compose + render: everything `ldn-aid handout` does after reading the file.
        render_pdf(compose_for_visit(visit, "en"), io.BytesIO())

    register_fonts()
    style = ParagraphStyle("plain", fontName=FONT, fontSize=12)

    def minimal() -> None:
        # The same page count and the same embedded font, one short paragraph a page.
        story = []
        for number in range(pages):
            story += [Paragraph(f"Page {number + 1}", style), PageBreak()]
        SimpleDocTemplate(io.BytesIO(), pagesize=LETTER, invariant=1).build(story[:-1])

    handout = compose_for_visit(visit, "en")
    texts = [text for block in handout.blocks for text in _strings(block.model_dump(mode="json"))]

    def same_text_plain() -> None:
        # The handout's own words as plain paragraphs: what the text alone costs to set.
        SimpleDocTemplate(io.BytesIO(), pagesize=LETTER, invariant=1).build(
            [Paragraph(escape(text), style) for text in texts]
        )

    ours_seconds = median_seconds(ours, repeats=30, warmup=3)
    report(
        f"handout compose + render ({pages} pages)",
        ours_seconds,
        "the same words as plain paragraphs",
        median_seconds(same_text_plain, repeats=30, warmup=3),
        "(shows the cost of layout over text)",
    )
    report(
        f"handout compose + render ({pages} pages)",
        ours_seconds,
        f"minimal reportlab doc, {pages} pages",
        median_seconds(minimal, repeats=30, warmup=3),
        "under 2x and under 150 ms",
    )


def _probe(mode: str) -> tuple[float, float]:
    """Seconds from process start until the first page is shown, and peak memory in MiB."""
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("startup_probe.py")), mode],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("shown "))
    _, shown_at, peak_kib = line.split()
    return float(shown_at) - started, int(peak_kib) / 1024


def bench_full_run_memory() -> None:
    _, ours = _probe("full")
    _, bare = _probe("bare")
    print(
        f"{'full wizard run + handout: peak memory':<38} {ours:9.1f} MiB"
        f" | baseline {'bare one-page QWizard':<34} {bare:9.1f} MiB"
        f" | ratio {ours / bare:6.2f}x | aim: under 150 MiB"
    )


def _folder_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def _bundled_start(executable: Path) -> tuple[float, float]:
    started = time.time()
    result = subprocess.run(
        [str(executable)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "LDN_AID_EXIT_AFTER_SHOW": "1"},
        timeout=120,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("shown "))
    _, shown_at, peak_kib = line.split()
    return float(shown_at) - started, int(peak_kib) / 1024


def bench_bundle(runs: int = 5) -> None:
    root = Path(__file__).resolve().parent.parent
    work = root / "build" / "bench"
    pyinstaller = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR"]
    for target in ("app", "bare"):
        subprocess.run(
            [*pyinstaller, "--distpath", str(work / "dist"), "--workpath", str(work / target), "build.spec"],
            cwd=root,
            check=True,
            env={**os.environ, "LDN_AID_BUNDLE_TARGET": target},
        )
    ours_dir, bare_dir = work / "dist" / "ldn-aid", work / "dist" / "bare-wizard"
    ours_mib, bare_mib = _folder_mib(ours_dir), _folder_mib(bare_dir)
    print(
        f"{'bundle size':<38} {ours_mib:9.1f} MiB | baseline {'bare one-page QWizard bundle':<34}"
        f" {bare_mib:9.1f} MiB | ratio {ours_mib / bare_mib:6.2f}x | aim: 1.3x or less"
    )
    ours = [_bundled_start(ours_dir / "ldn-aid") for _ in range(runs)]
    bare = [_bundled_start(bare_dir / "bare-wizard") for _ in range(runs)]
    report(
        "bundled app start-up to first page",
        statistics.median(t for t, _ in ours),
        "bare one-page QWizard bundle",
        statistics.median(t for t, _ in bare),
        "1.5x or less",
    )


def bench_startup(runs: int = 5) -> None:
    app = [_probe("app") for _ in range(runs)]
    bare = [_probe("bare") for _ in range(runs)]
    report(
        "wizard start-up to first page (source)",
        statistics.median(t for t, _ in app),
        "bare one-page QWizard",
        statistics.median(t for t, _ in bare),
        "1.5x or less",
    )
    ours_mib = max(m for _, m in app)
    bare_mib = max(m for _, m in bare)
    print(
        f"{'wizard process peak memory':<38} {ours_mib:9.1f} MiB | baseline {'bare one-page QWizard':<34}"
        f" {bare_mib:9.1f} MiB | ratio {ours_mib / bare_mib:6.2f}x | aim: under 150 MiB"
    )


def main() -> int:
    print(
        f"# LDN Aid benchmarks - Python {platform.python_version()} on {platform.machine()}, "
        f"{platform.system()}; {json.dumps({'cpus': __import__('os').cpu_count()})}"
    )
    bench_assessment()
    bench_follow_ups()
    bench_handout()
    bench_startup()
    bench_full_run_memory()
    if "--no-bundle" not in sys.argv:
        bench_bundle()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
