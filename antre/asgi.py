"""The ASGI application `antre serve` runs: uvicorn calls create_app() in each server process.

Importing this module sets Django up and starts nothing. create_app() starts the process — the
fast lane's threads, the guards of a supervised process, the warm-up, the runtime's settings —
and returns the application, in three lanes chosen by the request line:
- a citizen's booking over the API, the request that comes in crowds when an office opens, by
  antre.transport.fastlane: its body is read on the event loop, the booking runs in one hop to a
  thread of the lane's own;
- live streams (SSE) by antre.transport.sse on the event loop;
- everything else by Django as a WSGI application on a fixed pool of threads (a2wsgi). Under
  Django's own ASGI handler every request would start a thread of its own and open a fresh
  database connection; a fixed pool keeps threads and their connections.
"""

import functools
import os

import django
from a2wsgi import WSGIMiddleware
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
django.setup(set_prefix=False)  # as get_wsgi_application() does; the lanes' modules import models

from antre import api_errors, backup, config  # noqa: E402
from antre.transport import fastlane, startup, watchdog  # noqa: E402
from antre.transport.sse import with_live_streams  # noqa: E402


@functools.cache  # one start-up per process: the threads and the GC's settings are the process's
def create_app():
    """Start this server process and return its ASGI application (uvicorn's factory=True)."""
    # django-stubs types WSGIHandler's answer as the response object, which is the iterable of
    # bytes a WSGI server asks for; a2wsgi's annotation wants that iterable spelled out.
    django_app = WSGIMiddleware(WSGIHandler(), workers=config.threads())  # type: ignore[arg-type]
    lanes = fastlane.with_fast_lane(with_live_streams(django_app), config.booking_threads())
    # A failure in a lane in front of Django is answered in the API's error shape, not uvicorn's text.
    application = api_errors.guarded(lanes)
    # Each server process keeps `antre restore` off its data, also when its supervisor is gone.
    backup.mark_in_use()
    if (supervisor := config.supervisor_pid()) and supervisor != os.getpid():
        watchdog.start(supervisor)
    startup.warm_up()
    startup.tune_runtime()
    return application


def __getattr__(name: str):
    # `antre.asgi:application` (settings.ASGI_APPLICATION, uvicorn run by hand) starts the process
    # when first asked for, as importing this module did before create_app().
    if name == "application":
        return create_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
