"""The survey in the admin: answers are read, never edited (an answer is the citizen's word);
only a superuser may delete one (a test entry, an obvious abuse)."""

from django.contrib import admin

from antre.survey.models import AnsweredOccasion, SurveyAnswer
from antre.survey.rules import ELEMENTS


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnly):
    list_display = ("day", "office", "occasion", "service_code", "kind_code", *ELEMENTS)
    list_filter = ("office", "occasion", "day")
    date_hierarchy = "day"


@admin.register(AnsweredOccasion)
class AnsweredOccasionAdmin(ReadOnly):
    list_display = ("kind", "occasion_id")
    list_filter = ("kind",)
