"""The demo office's survey answers (SKM) over its past days: some of the visits served answered,
mostly "baik" and "sangat baik", a few suggestions. Made-up answers; anonymous as every answer is
(the occasion is marked answered apart from the answer, antre.survey.models)."""

from __future__ import annotations

import datetime as dt
import random

from antre.offices.models import Office
from antre.queueing.models import Status, Ticket
from antre.survey.models import AnsweredOccasion, OccasionKind, SurveyAnswer
from antre.survey.questions import AgeGroup, Education, Occupation, Sex
from antre.survey.rules import ELEMENTS

ANSWERS = 150
# A respondent's overall mood (1–4), as a good office hears it; each element then a point either
# side now and then, time to complete and facilities leaning lower and cost (the services are
# free) higher: the chance of a point down (-) or up (+).
MOODS = {4: 42, 3: 48, 2: 8, 1: 2}
LEAN = {"waktu": -0.25, "sarana": -0.2, "biaya": 0.5}
SUGGESTIONS = (
    "Ambil nomor lewat WhatsApp sangat membantu, tidak perlu datang subuh lagi.",
    "Mohon ruang tunggu ditambah kipas angin, siang hari panas sekali.",
    "Petugas ramah, tetapi papan persyaratan di depan kurang jelas.",
    "Parkir motor penuh pada pagi hari.",
)
PROFILE = (
    ("age_group", AgeGroup.values, (6, 24, 26, 20, 14, 10)),
    ("sex", Sex.values, (50, 50)),
    ("education", Education.values, (12, 16, 42, 10, 18, 2)),
    ("occupation", Occupation.values, (8, 1, 1, 34, 30, 26)),
)


def seed_answers(
    office: Office, *, first: dt.date, last: dt.date, rng: random.Random, count: int = ANSWERS
) -> int:
    """About `count` answers to the visits served at `office` from `first` to `last`; how many were made."""
    served = list(
        Ticket.objects.filter(office=office, day__range=(first, last), status=Status.DONE)
        .order_by("pk")
        .values_list("pk", "day", "service__code")
    )
    chosen = sorted(rng.sample(served, min(count, len(served))))
    speaking = dict(
        zip(rng.sample(range(len(chosen)), min(len(SUGGESTIONS), len(chosen))), SUGGESTIONS, strict=False)
    )
    answers = []
    for i, (_pk, day, service) in enumerate(chosen):
        mood = rng.choices(list(MOODS), list(MOODS.values()))[0]
        profile = {
            name: rng.choices(values, weights)[0] if rng.random() > 0.05 else ""  # preferred not to say
            for name, values, weights in PROFILE
        }
        answers.append(
            SurveyAnswer(
                office=office,
                occasion=OccasionKind.VISIT,
                service_code=service,
                day=day,
                suggestion=speaking.get(i, ""),
                **{e: _score(rng, mood, e) for e in ELEMENTS},
                **profile,
            )  # fmt: skip
        )
    rng.shuffle(answers)  # the rows' order pairs no answer with its occasion
    SurveyAnswer.objects.bulk_create(answers)
    AnsweredOccasion.objects.bulk_create(
        [AnsweredOccasion(kind=OccasionKind.VISIT, occasion_id=pk) for pk, _day, _service in chosen]
    )
    return len(answers)


def _score(rng: random.Random, mood: int, element: str) -> int:
    lean = LEAN.get(element, 0.0)
    score = mood + rng.choice((-1, 0, 0, 0, 1))
    if rng.random() < abs(lean):
        score += 1 if lean > 0 else -1
    return min(max(score, 1), 4)
