"""Benchmark badge PDFs: 1,000 badges on A4 against the floor of encoding their QR codes.

Run: ``.venv/bin/python bench/badges.py``. Prints, for 1,000 badges with varied names on the
"a4" layout: the time of a first batch in a fresh process (fonts parsed on first use) and of
later batches, badges per second, the time to encode the 1,000 bare QR matrices (the floor)
and the ratio of the two; then the peak memory of 1,000 and of 5,000 badges, each in a fresh
child process, as RSS growth over the process after a warm-up batch.

This machine's speed drifts by up to 2× from minute to minute, so each time is the median of
``--runs`` runs, and the ratio to the floor (measured in the same run) is the figure to compare.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netcompanion.badge import qr  # noqa: E402
from netcompanion.badge.pdf import BadgeFace, write_badges  # noqa: E402

# (share, names) per script, roughly an international conference.
NAMES = [
    (0.62, [
        "María José Fernández", "Zoë Ångström", "Jean-Éric Müller", "Łukasz Wiśniewski",
        "Ngọc Anh Trần", "Søren Kierkegård", "Olivia Smith", "Çağla Yılmaz", "Ana Luísa Gonçalves",
        "Maria Fernanda de los Santos García-Villalobos", "Björn Þórsson", "Chloé Lefèvre",
    ]),
    (0.08, ["Дмитрий Иванов", "Анна Смирнова", "Олег Кузнецов"]),
    (0.05, ["Γιώργος Παπαδόπουλος", "Ελένη Νικολάου"]),
    (0.06, ["王小明", "李娜", "張偉"]),
    (0.06, ["田中 さくら", "佐藤 健", "ヤマダ タロウ"]),
    (0.05, ["김민준", "이서연", "박지훈"]),
    (0.05, ["محمد عبد الله", "فاطمة الزهراء", "يوسف الحسن"]),
    (0.03, ["דוד כהן", "נועה לוי"]),
]  # fmt: skip
COMPANIES = ["Acme Corporation", "Globex GmbH", "Initech", "Umbrella Holdings Ltd", "Hooli Inc."]
TITLES = ["Recruiter", "CTO", "Senior Talent Acquisition Partner", "Software Engineer"]


def faces(count: int, seed: int = 7) -> list[BadgeFace]:
    """Return ``count`` badges: names drawn by script share, random 100-character tokens."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret
    weights, pools = zip(*NAMES, strict=True)
    return [
        BadgeFace(
            name=rng.choice(rng.choices(pools, weights)[0]),
            company=rng.choice(COMPANIES),
            title=rng.choice(TITLES),
            url="https://events.example.com/b/" + secrets.token_urlsafe(75)[:100],
            event_name="NetCompanion Summit 2026",
        )
        for _ in range(count)
    ]


def badges_seconds(batch: list[BadgeFace]) -> tuple[float, int]:
    """Write ``batch`` on A4 to a temporary file; return seconds and PDF bytes."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        write_badges(batch, "a4", out)
        return time.perf_counter() - start, out.tell()


def floor_seconds(batch: list[BadgeFace]) -> float:
    start = time.perf_counter()
    for face in batch:
        qr.matrix(face.url)
    return time.perf_counter() - start


def memory(count: int) -> tuple[float, float]:
    """Return (RSS before, peak RSS while writing ``count`` badges) in MiB, in a fresh process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_memory_in_child, (count,))


def _memory_in_child(count: int) -> tuple[float, float]:
    batch = faces(count)
    badges_seconds(faces(16))  # imports, fonts and caches: a warm worker, as in the app
    before = _status_kib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) from here
        badges_seconds(batch)
        peak = _status_kib("VmHWM")
    except OSError:  # no /proc: the peak since start, which includes the warm-up
        badges_seconds(batch)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return before / 1024, peak / 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(field)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()

    batch = faces(1000)
    cold, _ = badges_seconds(batch)
    rounds = []  # each round times the badges and then the floor, so drift hits both alike
    for _ in range(args.runs):
        seconds, size = badges_seconds(batch)
        rounds.append((seconds, floor_seconds(batch)))
    warm, floor = (statistics.median(v) for v in zip(*rounds, strict=True))
    ratio = statistics.median(b / f for b, f in rounds)
    print(f"1,000 badges, layout a4, {1 - NAMES[0][0]:.0%} of names outside the Latin script")
    report("first batch in a new process (fonts parsed)", cold, "badges/s")
    report(f"later batches (median of {args.runs})", warm, "badges/s")
    report("floor: the 1,000 bare QR matrices", floor, "codes/s")
    print(f"  {'ratio badges / floor (median per round)':<44} {ratio:6.1f}")
    print(f"  {'PDF size':<44} {size / 1e6:6.2f} MB")
    for count in (1000, 5000):
        before, peak = memory(count)
        print(
            f"memory, {count:,} badges: RSS {before:5.1f} MiB before, peak {peak:5.1f} MiB,"
            f" growth {peak - before:5.1f} MiB"
        )


def report(label: str, seconds: float, unit: str) -> None:
    print(f"  {label:<44} {seconds:6.2f} s  {1000 / seconds:6.0f} {unit}")


if __name__ == "__main__":
    main()
