"""The nesting scan that runs before every JSON body is decoded, on large and hostile bodies.

Each body's scan is printed beside two floors measured in the same run: encoding its text to
UTF-8 (one pass over the bytes, which the scan also makes) and, where the body decodes,
``json.loads`` of it, which the scan runs before.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netcompanion import json_body  # noqa: E402

BODIES = {
    "10 MB of strings full of brackets": json.dumps(["[[{" + '\\"' * 3 + "}]]" * 20] * 130_000),
    "2,000,000 short strings": "[" + ",".join(['"[x"'] * 2_000_000) + "]",
    "one 10 MB string": json.dumps(["[" * 10_000_000]),
    "1,000,000 small arrays": json.dumps([[1, [2]] for _ in range(1_000_000)]),
    "1,000,000 [": "[" * 1_000_000,
    "1,000,000 [ then ]": "[" * 1_000_000 + "]" * 1_000_000,
    "33 deep after 1,000,000 strings": "[" + '"a",' * 1_000_000 + "[" * 33 + "]" * 34,
    "30 deep, 100,000 times": "[" + ",".join(["[" * 30 + "]" * 30] * 100_000) + "]",
}


def best(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    print(f"{'body':34} {'MB':>5} {'scan ms':>8} {'encode ms':>10} {'json.loads ms':>14}  deep")
    for name, text in BODIES.items():
        deep = json_body.too_deep(text)
        scan = best(lambda text=text: json_body.too_deep(text))
        encode = best(lambda text=text: text.encode("utf-8", "surrogatepass"))
        decode = "-" if deep else f"{best(lambda text=text: json.loads(text), 1):.1f}"
        size = len(text) / 1e6
        print(f"{name:34} {size:5.1f} {scan:8.1f} {encode:10.1f} {decode:>14}  {deep}")


if __name__ == "__main__":
    main()
