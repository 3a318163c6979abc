"""The ASGI application `antre serve` runs.

Live streams (SSE) are answered by antre.live.asgi on the event loop. Everything else is Django
as a WSGI application on a fixed pool of threads (a2wsgi): under Django's own ASGI handler every
request would start a thread of its own and open a fresh database connection; a fixed pool keeps
threads and their connections, which triples what one process serves at the opening rush.
"""

import gc
import os
import sys

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
django_application = get_wsgi_application()

from antre.live.asgi import with_live_streams  # noqa: E402 (needs Django set up)

THREADS = int(os.environ.get("ANTRE_THREADS", "16"))
application = with_live_streams(WSGIMiddleware(django_application, workers=THREADS))

# Thousands of open streams make the cyclic garbage collector's full passes long: measured, they
# were the 150 ms pauses that doubled the p99 of delivering a call (bench/fanout.py). Everything
# loaded so far lives as long as the process, so it is set aside, and collections run less often.
gc.freeze()
gc.set_threshold(50_000, 20, 100)

# A booking holds the database's write slot while it runs Python between its statements; with the
# default 5 ms GIL switch interval the holder waits behind request threads after every commit.
# 0.5 ms measured +40 % bookings/s at the opening rush (bench/rush.py); 0.1 ms was worse again.
sys.setswitchinterval(0.0005)
