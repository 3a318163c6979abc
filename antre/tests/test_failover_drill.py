"""The failover drill (bench/failover.py) in the test command, with the PostgreSQL run only.

It needs PostgreSQL's own programs (initdb, pg_ctl, pg_basebackup) to start two clusters of its own
and takes about 40 s; where they are missing it is skipped, and says so in the summary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from antre.conftest import clear_of_midnight

DRILL = Path(__file__).resolve().parents[2] / "bench" / "failover.py"
# Where the drill looks (bench/failover.py: postgresql_programs): Debian's folders, else the PATH.
PG_PROGRAMS = [*Path("/usr/lib/postgresql").glob("*/bin/initdb"), *filter(None, [shutil.which("initdb")])]


@pytest.mark.failover
def test_the_primary_killed_at_the_rush_loses_no_booking_and_no_call():
    if connection.vendor != "postgresql":
        pytest.skip("the failover drill runs with the PostgreSQL tests (ANTRE_DATABASE_URL)")
    if not PG_PROGRAMS and not os.environ.get("ANTRE_BENCH_PG_BIN"):
        pytest.skip(
            "FAILOVER DRILL NOT RUN: PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) are missing"
        )
    clear_of_midnight()  # the drill books and calls on the real clock: today must stay today
    out = subprocess.run(
        [sys.executable, str(DRILL), "--before", "4", "--detect", "2", "--after", "5", "--clients", "8"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert lines[-1] == "PASS"
    # What the drill checked, as it printed it.
    assert any(
        line.startswith("numbers given twice           0 in the database, 0 in the answers") for line in lines
    )
    assert any(line.startswith("servers and worker running    yes") for line in lines)
