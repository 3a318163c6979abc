"""Language choice: Indonesian unless the visitor picked English with the switch (a cookie)."""

from django.conf import settings
from django.utils import timezone, translation


class OfficeTimezoneMiddleware:
    """Staff see times in their own office's timezone, the admin included (storage stays UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "office_id", None):
            timezone.activate(user.office.tzinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)


def chosen_language(request) -> str:
    """The cookie's language, else Indonesian; a browser's Accept-Language is ignored on purpose."""
    lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates the language the visitor chose (chosen_language) for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = chosen_language(request)
        request.LANGUAGE_CODE = lang
        # override, not activate: the thread serves the next request (or test) in its own language.
        with translation.override(lang):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
