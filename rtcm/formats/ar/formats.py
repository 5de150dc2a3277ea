"""Arabic dates with the Arabic month names ("14 فبراير 2027"), 24-hour times (a session's
hours read the same in Amman and in Bishkek). Digits stay Western (0-9), as Django writes
them. The rest comes from Django's own ``ar`` formats.
"""

DATE_FORMAT = "j F Y"  # 14 فبراير 2027
SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"  # 14/02/2027, kept in order by right-to-left marks
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
SESSION_DATE_FORMAT = "l j F"  # الأحد 14 فبراير
WEEKDAY_DATE_FORMAT = "l j F Y"
PRECISE_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i:s"
