"""Benchmark badge PDFs: 1,000 badges on A4 against the floor of encoding their QR codes.

Run: ``.venv/bin/python bench/badges.py``. Prints, for 1,000 varied badges on the "a4" layout:
the time in a fresh process (fonts parsed on first use) and once warm, badges per second, the
time to encode the 1,000 bare QR matrices (the floor) and the ratio of the two; then the peak
memory (RSS growth in a child process) for 1,000 and for 5,000 badges.
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
    rng = random.Random(seed)
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


def timed_pdf(batch: list[BadgeFace]) -> tuple[float, int]:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        write_badges(batch, "a4", out)
        elapsed = time.perf_counter() - start
        return elapsed, out.tell()


def timed_floor(batch: list[BadgeFace]) -> float:
    start = time.perf_counter()
    for face in batch:
        qr.matrix(face.url)
    return time.perf_counter() - start


def memory(count: int) -> tuple[float, float]:
    ctx = multiprocessing.get_context("spawn")  # a clean process: its peak is only this run
    with ctx.Pool(1) as pool:
        return pool.apply(_peak_in_child, (count,))


def _peak_in_child(count: int) -> tuple[float, float]:
    batch = faces(count)
    timed_pdf(faces(8))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timed_pdf(batch)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (after - before) / 1024, after / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs; the median is printed")
    args = parser.parse_args()

    batch = faces(1000)
    cold, size = timed_pdf(batch)
    warm = statistics.median(timed_pdf(batch)[0] for _ in range(args.runs))
    floor = statistics.median(timed_floor(batch) for _ in range(args.runs))
    print(f"1,000 badges, layout a4, {1 - NAMES[0][0]:.0%} of names outside the Latin script")
    print(f"  first batch in process (fonts parsed) {cold:8.2f} s  {1000 / cold:7.0f} badges/s")
    print(
        f"  warm batch (median of {args.runs})            {warm:8.2f} s  {1000 / warm:7.0f} badges/s"
    )
    print(f"  floor: 1,000 bare QR matrices          {floor:8.2f} s  {1000 / floor:7.0f} codes/s")
    print(f"  ratio warm badges / floor              {warm / floor:8.1f}")
    print(f"  PDF size                               {size / 1e6:8.2f} MB")
    for count in (1000, 5000):
        growth, peak = memory(count)
        print(
            f"peak RSS, {count:,} badges: growth {growth:6.1f} MiB (process peak {peak:6.1f} MiB)"
        )


if __name__ == "__main__":
    main()
