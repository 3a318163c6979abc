"""The satisfaction survey's answers over a year, seeded for bench/report_year.py as answering writes
them (antre.survey.services.submit_answer): one SurveyAnswer for a visit served or an application
done, on the day it ended, with an AnsweredOccasion row for that visit or application.

Imported after Django is set up (it imports the models).
"""

from __future__ import annotations

import random

from antre.offices.models import Office
from antre.queueing.models import Status, Ticket
from antre.survey.models import AnsweredOccasion, OccasionKind, SurveyAnswer
from antre.survey.questions import PROFILE
from antre.survey.rules import ELEMENTS

FROM_APPLICATIONS = 0.15  # of the answers: given after an application was done
# How often each of 1..4 is answered: most are satisfied, the service is free, the waiting room less so.
ANSWERS = {"biaya": (1, 2, 12, 85), "sarana": (5, 20, 50, 25), "waktu": (4, 16, 52, 28)}
USUAL = (2, 9, 56, 33)
NOT_SAID = 0.08  # of each profile question, left empty
SUGGESTED = 0.04  # of the answers, with a suggestion
SUGGESTIONS = (
    "Ruang tunggu kadang penuh, mohon tambah kursi.",
    "Pelayanan cepat dan ramah, terima kasih.",
    "Mohon kabari lewat WA ke 081234567890 bila KTP sudah jadi.",
    "Parkir motor sempit pada pagi hari.",
    "Antrean daring sangat membantu, tidak perlu datang subuh.",
    "NIK saya 5102014506900001 sempat tidak terbaca di kios.",
)


def seed_answers(office: Office, count: int, done_applications: list, rng: random.Random) -> int:
    """`count` answers: most for visits served (a random sample of them), some for applications done."""
    applications = rng.sample(done_applications, min(len(done_applications), int(count * FROM_APPLICATIONS)))
    served = list(
        Ticket.objects.filter(office=office, status=Status.DONE).values_list("pk", "day", "service__code")
    )
    visits = rng.sample(served, count - len(applications))
    answers, occasions = [], []
    for pk, day, service_code in visits:
        occasions.append(AnsweredOccasion(kind=OccasionKind.VISIT, occasion_id=pk))
        answers.append(_answer(office, OccasionKind.VISIT, service_code, "", day, rng))
    for pk, kind_code, service_code, day in applications:
        occasions.append(AnsweredOccasion(kind=OccasionKind.APPLICATION, occasion_id=pk))
        answers.append(_answer(office, OccasionKind.APPLICATION, service_code, kind_code, day, rng))
    AnsweredOccasion.objects.bulk_create(occasions, batch_size=5000)
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)
    return len(answers)


def _answer(office, occasion, service_code, kind_code, day, rng: random.Random) -> SurveyAnswer:
    values: dict[str, object] = {
        element: rng.choices((1, 2, 3, 4), ANSWERS.get(element, USUAL))[0] for element in ELEMENTS
    }
    for field, _title, choices in PROFILE:
        values[field] = "" if rng.random() < NOT_SAID else rng.choice(choices.values)
    values["suggestion"] = rng.choice(SUGGESTIONS) if rng.random() < SUGGESTED else ""
    return SurveyAnswer(
        office=office, occasion=occasion, service_code=service_code, kind_code=kind_code, day=day, **values
    )
