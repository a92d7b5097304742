from datetime import datetime

from leaven.feeds import Feed


def feed(when="2026-03-02 07:30", flour="rye", rise=2.0, peak_h=5.0, starter_g=50.0, flour_g=100.0, water_g=100.0):
    return Feed(datetime.fromisoformat(when), starter_g, flour, flour_g, water_g, rise, peak_h)
