from clubrides.points import leaderboard, points_for


def test_one_point_per_full_ten_km(make_ride):
    assert points_for(make_ride("2026-03-02", km=19.9, climb=0)) == 1
    assert points_for(make_ride("2026-03-02", km=20.0, climb=0)) == 2


def test_one_point_per_full_250_m_of_climbing(make_ride):
    assert points_for(make_ride("2026-03-02", km=0.0, climb=749)) == 2
    assert points_for(make_ride("2026-03-02", km=0.0, climb=750)) == 3


def test_a_club_ride_earns_the_bonus(make_ride):
    solo = points_for(make_ride("2026-03-07", km=64.0, climb=540))
    assert points_for(make_ride("2026-03-07", km=64.0, climb=540, club=True)) == solo + 5


def test_leaderboard_best_first(make_ride):
    rides = [make_ride("2026-03-07", rider="Mara", km=30.0, climb=0), make_ride("2026-03-07", km=50.0, climb=0)]
    assert [(s.rank, s.rider, s.points) for s in leaderboard(rides)] == [(1, "Priya", 5), (2, "Mara", 3)]


def test_equal_points_share_a_rank(make_ride):
    rides = [
        make_ride("2026-03-07", rider="Tomasz", km=30.0, climb=0),
        make_ride("2026-03-07", rider="Ines", km=30.0, climb=0),
        make_ride("2026-03-07", rider="Kwame", km=10.0, climb=0),
    ]
    assert [(s.rank, s.rider) for s in leaderboard(rides)] == [(1, "Ines"), (1, "Tomasz"), (3, "Kwame")]


def test_leaderboard_of_one_month(make_ride):
    rides = [make_ride("2026-03-31", km=100.0, climb=0), make_ride("2026-04-01", rider="Mara", km=20.0, climb=0)]
    assert [s.rider for s in leaderboard(rides, "2026-04")] == ["Mara"]
    assert leaderboard(rides, "2026-05") == []
