"""The server's SVG charts: a scale a person reads, every column drawn, and text that cannot be markup."""

from antre.reports.charts import Part, columns, nice_top


def test_the_scale_ends_on_a_round_number_at_or_above_the_tallest_column():
    assert [nice_top(v) for v in (0, 3, 7, 10, 11, 43, 180, 0.4)] == [1, 5, 10, 10, 20, 50, 200, 0.5]


def test_each_period_is_a_column_stacked_in_its_parts_with_the_target_across():
    svg = columns(
        "Nomor", ["a", "b", "c"], [Part("Selesai", "served"), Part("Tidak hadir", "no-show")],
        [[4, 1], [0, 2], [3, 0]], line=6, line_name="Target",
    )  # fmt: skip
    assert svg.count('class="served"') == 2 and svg.count('class="no-show"') == 2  # nothing drawn for 0
    assert svg.count('class="target"') == 1 and ">10<" in svg  # the scale's top: 10 above 6
    assert '<span class="key target">Target</span>' in svg


def test_a_name_with_markup_is_shown_as_text():
    svg = columns("<script>alert(1)</script>", ['"><img src=x>'], [Part("<b>", "served")], [[1]])
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&quot;&gt;&lt;img src=x&gt;" in svg
