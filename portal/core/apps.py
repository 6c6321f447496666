from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.core"

    def ready(self) -> None:
        import django_countries

        from . import checks, countries  # noqa: F401  (checks registers itself)

        # django-countries sorts its lists with the module's ``sort_key`` (ASCII letters only,
        # which leaves Cyrillic names unsorted): sort by the active language's alphabet instead.
        django_countries.sort_key = countries.sort_key
