import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
django_application = get_asgi_application()

from antre.live.asgi import with_live_streams  # noqa: E402 (needs Django set up)

application = with_live_streams(django_application)
