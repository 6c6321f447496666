"""Russian (CLDR ru): "9 декабря 2026 г.", "09.12.2026", 24-hour time, Monday first.

Django's own Russian formats, with ISO 8601 also accepted as input and the hour written with
two digits ("09:05"), as CLDR does. ``F`` (YEAR_MONTH_FORMAT, "декабрь 2026 г.") is the month's
stand-alone name, which the project's catalogue gives in lower case: the month stands inside a
sentence ("Месяц: декабрь 2026 г.").
"""

DATE_FORMAT = "j E Y г."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
