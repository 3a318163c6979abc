"""A server process starts when uvicorn asks for its application, not when antre.asgi is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import gc, json, sys, threading
state = lambda: {
    "threads": sorted(t.name for t in threading.enumerate() if t.name.startswith("antre-")),
    "gc_threshold": gc.get_threshold(),
    "frozen": gc.get_freeze_count() > 0,
    "switch_interval": sys.getswitchinterval(),
}
import antre.asgi
imported = state()
app = antre.asgi.create_app()
print(json.dumps({
    "imported": imported,
    "started": state(),
    "once": antre.asgi.create_app() is app and antre.asgi.application is app,
}))
"""


def test_importing_the_asgi_module_starts_nothing_and_create_app_starts_the_process(tmp_path):
    env = dict(os.environ, ANTRE_DATA_DIR=str(tmp_path), ANTRE_BOOKING_THREADS="2")
    env.pop("ANTRE_SUPERVISOR_PID", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(done.stdout.splitlines()[-1])
    imported, started = seen["imported"], seen["started"]
    assert imported["threads"] == [] and not imported["frozen"]
    assert imported["gc_threshold"] != [50_000, 20, 100] and imported["switch_interval"] != 0.0005
    assert started["threads"] == ["antre-booking-0", "antre-booking-1"]
    assert started["frozen"] and started["gc_threshold"] == [50_000, 20, 100]
    assert started["switch_interval"] == 0.0005
    assert seen["once"]  # one start-up per process, however often the application is asked for
