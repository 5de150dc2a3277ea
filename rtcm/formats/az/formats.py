"""Azerbaijani dates: "14 fevral 2027", the month in lower case inside a date (Django's ``E``,
whose Azerbaijani names our catalogue gives in lower case: ``rtcm.formats.months``), 24-hour
times. A calendar's heading keeps the capital ("Fevral 2027"). The rest comes from Django's
own ``az`` formats.
"""

DATE_FORMAT = "j E Y"  # 14 fevral 2027
SHORT_DATE_FORMAT = "d.m.Y"  # 14.02.2027
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j E"  # 14 fevral
YEAR_MONTH_FORMAT = "F Y"  # Fevral 2027
TIME_FORMAT = "H:i"
SESSION_DATE_FORMAT = "l, j E"  # Bazar, 14 fevral
WEEKDAY_DATE_FORMAT = "l, j E Y"  # Bazar, 14 fevral 2027
PRECISE_DATETIME_FORMAT = "d.m.Y H:i:s"
