"""English dates as the center writes them: day, month, year ("14 February 2027"), 24-hour
times. What is not set here comes from Django's own ``en`` formats (input formats, numbers).

Besides Django's named formats, ``SESSION_DATE_FORMAT`` (a session's day) and
``WEEKDAY_DATE_FORMAT`` (a day with its weekday) are read by ``rtcm.core.dates``.
"""

DATE_FORMAT = "j F Y"  # 14 February 2027
SHORT_DATE_FORMAT = "j M Y"  # 14 Feb 2027 (not 02/14/2027: readers are from everywhere)
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Baku
SESSION_DATE_FORMAT = "D j M"  # Sun 14 Feb
WEEKDAY_DATE_FORMAT = "l j F Y"  # Sunday 14 February 2027
PRECISE_DATETIME_FORMAT = "j M Y, H:i:s"  # audit trails
