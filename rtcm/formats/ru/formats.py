"""Russian dates with the month in the genitive ("14 февраля 2027"; Django's ``E``) and no
"г.", 24-hour times. Standalone months (a calendar's heading) keep the nominative
("Февраль 2027"). The rest comes from Django's own ``ru`` formats.
"""

DATE_FORMAT = "j E Y"  # 14 февраля 2027
SHORT_DATE_FORMAT = "d.m.Y"  # 14.02.2027
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j E"  # 14 февраля
YEAR_MONTH_FORMAT = "F Y"  # Февраль 2027
TIME_FORMAT = "H:i"
SESSION_DATE_FORMAT = "D, j E"  # Вс, 14 февраля
WEEKDAY_DATE_FORMAT = "l, j E Y"  # Воскресенье, 14 февраля 2027
PRECISE_DATETIME_FORMAT = "d.m.Y H:i:s"
