"""The whole test command with the machine's clock moved: `python scripts/test_at.py "2027-12-04 10:00"`.

Tests must pass on any day (a week, a year ahead, at midnight on New Year's Eve). This runs
scripts/run_tests.py, and every process it starts (the test servers, Chromium), with the wall clock
set to the given instant (UTC) when the run starts and ticking from there, through libfaketime: the
build that the PyPI package `libfaketime` ships (a dev dependency). The clock is moved by one offset
for all of them, so a server started ten minutes into the run agrees with the tests on the time.
The monotonic clock stays real, so timeouts and sleeps keep working. The PostgreSQL server keeps
its own clock; Antre never asks it the time.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    moment = dt.datetime.fromisoformat(sys.argv[1]).replace(tzinfo=None)
    import libfaketime

    library = next(Path(libfaketime.__file__).parent.rglob("libfaketime.so.1"), None)
    if library is None:
        print("libfaketime's library is missing; reinstall the dev dependencies (make test)")
        return 2
    offset = moment.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
    env = dict(
        os.environ,
        LD_PRELOAD=str(library),
        FAKETIME=f"{int(offset.total_seconds()):+d}",  # seconds; "@instant" would restart per process
        FAKETIME_DONT_FAKE_MONOTONIC="1",
        TZ="UTC",
    )
    print(f"The clock of every process of this run starts at {moment:%Y-%m-%d %H:%M:%S} UTC.", flush=True)
    return subprocess.call([sys.executable, str(ROOT / "scripts" / "run_tests.py")], env=env)


if __name__ == "__main__":
    sys.exit(main())
