"""Research exports and pooling at scale (run by hand, never in the test suite).

    python bench/research_scale.py generate /tmp/m1.db --answers 1000000
    python bench/research_pool.py /tmp/m1.db --municipalities 3 --work /tmp/pool-bench

Measures, on one served database: the wide export (.sav, .dta, .csv per
instrument version, no per-process files), the SND bundle (time, and the
size of the CSV and Parquet copies), pooling N municipalities' bundles (the
one bundle copied under N names: the same size as N real ones), the pooled
file's size, and the management attitudes figures on the pooled database
(``datasette_plugins.aggregates.attitude_figures``, as bench/research_scale.py
times them on a single municipality's database).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from research.pool import pool_bundles  # noqa: E402
from research.snd import write_bundle  # noqa: E402
from research.wide import export_wide  # noqa: E402


def _size(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def _timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("served")
    parser.add_argument("--municipalities", type=int, default=3)
    parser.add_argument("--work", default="/tmp/research-pool-bench")
    parser.add_argument("--skip-wide", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"{args.served}: {_size(Path(args.served)):.0f} MB")
    if not args.skip_wide:
        files = _timed("wide export (.sav, .dta, .csv per version)", lambda: export_wide(
            args.served, work / "wide", per_process=False))
        print(f"    {len(files)} files, {_size(work / 'wide'):.1f} MB")
    report = _timed("SND bundle", lambda: write_bundle(args.served, work / "M1", municipality="M1"))
    print(f"    {report['responses']:,} responses, level {report['level']}, {report['suppressed']} suppressed; "
          f"CSV {_size(work / 'M1' / 'data'):.1f} MB, Parquet {_size(work / 'M1' / 'parquet'):.1f} MB")
    bundles = [work / "M1"]
    for n in range(2, args.municipalities + 1):
        copy = work / f"M{n}"
        shutil.copytree(work / "M1", copy)
        meta = json.loads((copy / "bundle.json").read_text())
        meta["municipality"] = f"M{n}"
        (copy / "bundle.json").write_text(json.dumps(meta))
        bundles.append(copy)
    pooled = work / "pooled.db"
    summary = _timed(f"pool {len(bundles)} bundles", lambda: pool_bundles([str(b) for b in bundles], str(pooled)))
    print(f"    {summary['responses']:,} responses, pooled file {_size(pooled):.0f} MB")
    from research_scale import time_database

    time_database(str(pooled))


if __name__ == "__main__":
    main()
