"""The office's history over periods as two charts (antre.reports.charts): the numbers taken, by how
they ended, and the waits against the office's target. The summary page draws them as SVG, the
monthly report on paper."""

from __future__ import annotations

from django.utils.translation import gettext as _

from antre.reports.charts import Chart, Part
from antre.reports.stats import Stats


def history(found: Stats) -> list[Chart]:
    labels = [short(key, found.per) for key in found.by_period]
    periods = list(found.by_period.values())
    taken = Chart(
        _("Nomor per periode"),
        labels,
        [Part(_("Selesai dilayani"), "served"), Part(_("Tidak hadir"), "no-show"),
         Part(_("Lainnya (batal, ditolak, masih antre)"), "other")],
        [[f.served, f.no_show, f.booked - f.served - f.no_show] for f in periods],
    )  # fmt: skip
    waits = Chart(
        _("Waktu menunggu per periode (menit)"),
        labels,
        [Part(_("Rata-rata menunggu"), "wait")],
        [[f.wait_avg_minutes or 0] for f in periods],
        marks=[f.wait_p90_minutes for f in periods],
        mark_name=_("9 dari 10 menunggu paling lama"),
        line=found.wait_target_minutes,
        line_name=_("Target kantor"),
    )
    return [taken, waits]


def short(key: str, per: str) -> str:
    """A period's label under its column: 23/11 for a day, M48 for a week, 2026-11 for a month."""
    if per == "day":
        return f"{key[8:10]}/{key[5:7]}"
    return f"M{key[-2:]}" if per == "week" else key
