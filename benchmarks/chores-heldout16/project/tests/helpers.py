from datetime import date, time

from qsolog.contacts import Contact


def qso(call, freq, mode="CW", day=date(2026, 5, 2), at=time(12, 0)):
    return Contact(day=day, time_utc=at, call=call, freq_mhz=freq, mode=mode)
