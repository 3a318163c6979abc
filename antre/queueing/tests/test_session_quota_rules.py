"""A session's quota as a rule, without a database: when a session is full, which one a booking
takes, and how many places a day in sessions has left."""

from hypothesis import given
from hypothesis import strategies as st

from antre.queueing.rules import first_session_with_room, places_left, quota_left, session_full, session_left

QUOTA = st.one_of(st.none(), st.integers(0, 30))  # None: no quota of the service's own in the session


@given(quota=st.integers(0, 30), taken=st.integers(0, 40))
def test_a_session_with_a_quota_is_full_once_that_many_are_taken(quota, taken):
    assert session_full(quota=quota, taken=taken) == (taken >= quota)


@given(taken=st.integers(0, 1000))
def test_a_session_without_a_quota_of_its_own_is_never_full(taken):
    assert not session_full(quota=None, taken=taken)


@given(sessions=st.lists(st.tuples(QUOTA, st.integers(0, 40)), max_size=5))
def test_a_booking_takes_the_first_session_with_room(sessions):
    candidates = [(f"S{i}", quota, taken) for i, (quota, taken) in enumerate(sessions)]
    chosen = first_session_with_room(candidates)
    with_room = [name for name, quota, taken in candidates if quota is None or taken < quota]
    assert chosen == (with_room[0] if with_room else None)


def test_the_sessions_after_the_chosen_one_are_not_counted():
    counted = []

    def candidates():
        for name, quota, taken in [("08:00", 5, 5), ("10:00", 5, 2), ("13:00", 5, 0)]:
            counted.append(name)
            yield name, quota, taken

    assert first_session_with_room(candidates()) == "10:00"
    assert counted == ["08:00", "10:00"]  # the booking's count of 13:00 is never made


@given(quota=QUOTA, taken=st.integers(0, 40), day_left=st.integers(0, 50))
def test_a_session_never_has_more_room_than_its_day(quota, taken, day_left):
    left = session_left(quota=quota, taken=taken, day_left=day_left)
    assert 0 <= left <= day_left
    assert (left == 0) == (day_left == 0 or session_full(quota=quota, taken=taken))


@given(
    day_quota=st.integers(0, 60),
    day_taken=st.integers(0, 70),
    sessions=st.lists(st.tuples(QUOTA, st.integers(0, 40)), max_size=4),
)
def test_a_day_has_room_exactly_when_some_open_session_has(day_quota, day_taken, sessions):
    day_left = quota_left(quota=day_quota, taken=day_taken)
    lefts = [session_left(quota=q, taken=t, day_left=day_left) for q, t in sessions]
    left = places_left(day_left=day_left, sessions_left=lefts)
    assert 0 <= left <= day_left
    if sessions:
        assert (left > 0) == (
            day_left > 0
            and first_session_with_room((i, q, t) for i, (q, t) in enumerate(sessions)) is not None
        )
    else:
        assert left == day_left  # a day not divided: its own quota only


def test_places_left_add_up_over_the_sessions_within_the_day():
    assert places_left(day_left=40, sessions_left=[15, 15, 10]) == 40
    assert places_left(day_left=30, sessions_left=[15, 15, 10]) == 30
    assert places_left(day_left=40, sessions_left=[0, 3, 10]) == 13
