"""The survey's figures over days, for the head of office: counted in SQL (a year may hold tens of
thousands of answers), then scored by antre.survey.rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext

from antre.applications.models import AppStatus, StatusChange
from antre.offices.models import Office
from antre.queueing.models import Status, Ticket
from antre.survey import rules
from antre.survey.models import SurveyAnswer
from antre.survey.questions import PROFILE, QUESTIONS

SUGGESTIONS_SHOWN = 300  # the newest; the page says how many there are in all


@dataclass(frozen=True)
class ElementFigure:
    code: str
    title: str
    mean: float | None  # NRR, 4 decimals
    weighted: float | None  # NRR × 1/9, 4 decimals
    grade: str


@dataclass(frozen=True)
class GroupFigure:
    code: str
    name: str
    respondents: int
    ikm: float | None
    grade: str


@dataclass
class SurveyFigures:
    first: dt.date
    last: dt.date
    respondents: int
    population: int
    minimum: int
    elements: list[ElementFigure]
    weighted_sum: float | None
    ikm: float | None
    grade: str
    label: str
    profile: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    by_service: list[GroupFigure] = field(default_factory=list)
    suggestions: list[tuple[dt.date, str, str]] = field(default_factory=list)  # day, service, masked text
    suggestions_total: int = 0


SUMS = {code: Sum(code) for code in rules.ELEMENTS}


def _scored(sums: Mapping[str, Any], count: int) -> tuple[dict[str, Fraction | None], float | None, str]:
    means = {code: rules.nrr(total=sums[code] or 0, count=count) for code in rules.ELEMENTS}
    if not count:
        return means, None, ""
    value = rules.ikm(means=means)
    return means, value, rules.band(value=value)


def survey_figures(office: Office, first: dt.date, last: dt.date) -> SurveyFigures:
    answers = SurveyAnswer.objects.filter(office=office, day__range=(first, last))
    totals = answers.aggregate(n=Count("pk"), **SUMS)
    count = totals["n"]
    means, value, grade = _scored(totals, count)
    population = served_population(office, first, last)
    figures = SurveyFigures(
        first=first,
        last=last,
        respondents=count,
        population=population,
        minimum=rules.minimum_sample(population=population),
        elements=[_element(q.code, str(q.title), means[q.code]) for q in QUESTIONS],
        weighted_sum=round(float(rules.weighted_sum(means=means)), 4) if count else None,
        ikm=value,
        grade=grade,
        label=rules.LABELS_ID.get(grade, ""),
    )
    figures.profile = _profile(answers)
    figures.by_service = _by_service(answers, office)
    figures.suggestions, figures.suggestions_total = _suggestions(answers, office)
    return figures


def _element(code: str, title: str, mean: Fraction | None) -> ElementFigure:
    if mean is None:
        return ElementFigure(code, title, None, None, "")
    weighted = float(mean * rules.WEIGHT)
    return ElementFigure(
        code, title, round(float(mean), 4), round(weighted, 4), rules.element_band(mean=mean)
    )


def served_population(office: Office, first: dt.date, last: dt.date) -> int:
    """Visits that ended served on those days, and applications that were done on them."""
    visits = Ticket.objects.filter(office=office, day__range=(first, last), status=Status.DONE).count()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=office.tzinfo)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=office.tzinfo)
    done = (
        StatusChange.objects.filter(
            application__office=office, status=AppStatus.DONE, at__gte=start, at__lt=end
        )
        .values("application_id")
        .distinct()
        .count()
    )
    return visits + done


def _profile(answers: QuerySet[SurveyAnswer]) -> list[tuple[str, list[tuple[str, int]]]]:
    tables = []
    for name, title, choices in PROFILE:
        counts = dict(answers.values_list(name).annotate(n=Count("pk")).order_by())
        rows = [(str(label), counts.get(value, 0)) for value, label in choices.choices]
        rows.append((gettext("Tidak ingin menyebutkan"), counts.get("", 0)))
        tables.append((str(title), rows))
    return tables


def _by_service(answers: QuerySet[SurveyAnswer], office: Office) -> list[GroupFigure]:
    services = dict(office.services.values_list("code", "name"))
    kinds = dict(office.kinds.values_list("code", "name"))
    groups = (
        answers.values("occasion", "service_code", "kind_code").annotate(n=Count("pk"), **SUMS).order_by()
    )
    found = []
    for group in groups:
        _means, value, grade = _scored(group, group["n"])
        code = group["kind_code"] or group["service_code"]
        name = kinds.get(code, "") if group["kind_code"] else services.get(code, "")
        found.append(GroupFigure(code, name, group["n"], value, grade))
    return sorted(found, key=lambda g: (-g.respondents, g.code))


def _suggestions(
    answers: QuerySet[SurveyAnswer], office: Office
) -> tuple[list[tuple[dt.date, str, str]], int]:
    written = answers.exclude(suggestion="")
    rows = written.order_by("-day").values_list("day", "service_code", "kind_code", "suggestion")
    shown = [
        (day, kind_code or service_code, rules.scrub(text=text))
        for day, service_code, kind_code, text in rows[:SUGGESTIONS_SHOWN]
    ]
    return shown, written.count()
