"""Source tags: only known shapes get through, whatever a link or a cookie carries."""

import pytest

from antre.offices import sources


@pytest.mark.parametrize(
    "raw, kept",
    [
        ("desa-5102052001", "desa-5102052001"),
        ("DESA-5102052001 ", "desa-5102052001"),
        ("kec-510205", "kec-510205"),
        ("s-ig-des26", "s-ig-des26"),
        ("desa-51020520", ""),  # too short for a village code
        ("kec-5102052001", ""),
        ("s--x", ""),
        ("<script>alert(1)</script>", ""),
        ("desa-5102052001'; DROP TABLE x", ""),
        ("s-" + "a" * 60, ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_known_shapes_are_kept(raw, kept):
    assert sources.clean_tag(raw) == kept


def test_a_tag_names_its_region_back():
    assert sources.region_code(sources.village_tag("51.02.05.2001")) == "51.02.05.2001"
    assert sources.region_code(sources.district_tag("51.02.05")) == "51.02.05"
    assert sources.region_code("s-ig-des26") == ""
