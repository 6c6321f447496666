"""Date, time and number formats per language (settings.FORMAT_MODULE_PATH).

Django ships no Kazakh formats, so without these a Kazakh page printed dates the American way
("11/30/2034", "Наурыз 14, 1988", "6:01 Т.Қ."). The Kazakh and Russian modules follow the Unicode
CLDR conventions of each language; the English one only makes short dates and times unambiguous
for readers in Kazakhstan. Every language also reads a date typed the way Kazakhstan writes it
(01.03.2024) as well as ISO 8601 (2024-03-01, what a browser's date field sends).
"""
