"""CSV/XLSX import and export of the catalogue (django-import-export, used by the admin).

A file is read as a person's spreadsheet is (``portal/core/spreadsheets.py``: UTF-8, comma or
semicolon, blank lines and empty trailing columns skipped); a file that cannot be read, or whose
header names unknown columns or no ``code``, is refused with what to do (``CatalogueCSV``,
``CatalogueXLSX``). A file is all or nothing: when any row is invalid (a code twice in the
file, a title missing in Kazakh, Russian or English, an unknown sphere, a formula instead of a
value, ...) the preview names each bad row and field, and nothing is saved, neither in the
preview nor on confirmation. Rows are matched to existing professions by code, so a file
exported, edited and imported again updates the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal.core import spreadsheets
from portal.core.csvsafe import restore_cell

from .models import Profession, Sphere

COLUMNS = (
    "code",
    "title_en",
    "title_ru",
    "title_kk",
    "description_en",
    "description_ru",
    "description_kk",
    "sphere",
    "min_education",
    "min_experience_years",
    "is_listed",
    "added_order_number",
    "added_order_date",
    "withdrawn_order_number",
    "withdrawn_order_date",
)


# Every title is required: the catalogue is read in Kazakh, Russian and English.
REQUIRED_TITLES = ("title_kk", "title_ru", "title_en")


class CatalogueCSV(spreadsheets.CSVImport):
    columns = COLUMNS
    required = ("code",)


class CatalogueXLSX(spreadsheets.XLSXImport):
    columns = COLUMNS
    required = ("code",)


IMPORT_FORMATS = [CatalogueCSV, CatalogueXLSX]


class SphereWidget(widgets.ForeignKeyWidget):
    """A sphere by its short name (slug); an unknown one is an error on the "sphere" column."""

    def __init__(self) -> None:
        super().__init__(Sphere, field="slug")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        value = str(value).strip() if value is not None else ""
        if not value:
            raise ValueError(_("Give the sphere's short name."))
        try:
            return super().clean(value, row, **kwargs)
        except Sphere.DoesNotExist:
            known = ", ".join(Sphere.objects.values_list("slug", flat=True))
            raise ValueError(
                _("Unknown sphere “%(value)s”. Known spheres: %(known)s.")
                % {"value": value, "known": known}
            ) from None


class YearsWidget(widgets.IntegerWidget):
    """A whole number of years; anything else is an error on its column, in words."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError):
            raise ValueError(_("Write the years as a whole number, such as 3.")) from None


def _as_code(value: Any) -> str:
    # Spreadsheets turn a code such as 2512 into the number 2512.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


class ProfessionResource(resources.ModelResource):
    sphere = fields.Field(attribute="sphere", column_name="sphere", widget=SphereWidget())
    min_experience_years = fields.Field(
        attribute="min_experience_years", column_name="min_experience_years", widget=YearsWidget()
    )

    class Meta:
        model = Profession
        name = gettext_lazy(
            "Professions"
        )  # shown on the import and export pages (else the class name)
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ["code"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        # All or nothing: roll back when any row is invalid, not only on unexpected errors.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        rows_by_code: dict[str, list[int]] = defaultdict(list)
        if "code" in (dataset.headers or []):
            for number, code in enumerate(dataset["code"], 1):
                if _as_code(code):
                    rows_by_code[_as_code(code)].append(number)
        self._duplicate_rows = {
            code: numbers for code, numbers in rows_by_code.items() if len(numbers) > 1
        }

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # A formula is refused at its cell (import_instance); a cell our export quoted against
        # formulae ("'- ...") comes back as it was.
        self._formulas = {
            column: value for column, value in row.items() if spreadsheets.is_formula(value)
        }
        for column, value in row.items():
            row[column] = None if column in self._formulas else restore_cell(value)
        if "code" in row:
            row["code"] = _as_code(row["code"])

    def import_instance(self, instance: Profession, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        code = row.get("code", "")
        duplicates = getattr(self, "_duplicate_rows", {}).get(code)
        if duplicates:
            errors.setdefault("code", []).append(
                ValidationError(
                    _("The code %(code)s appears more than once in the file (rows %(rows)s).")
                    % {"code": code, "rows": ", ".join(str(n) for n in duplicates)},
                    code="duplicate_code",
                )
            )
        missing = {
            "title_kk": _("The Kazakh title is required."),
            "title_ru": _("The Russian title is required."),
            "title_en": _("The English title is required."),
        }
        for column in REQUIRED_TITLES:
            if not (getattr(instance, column) or "").strip() and column not in errors:
                errors[column] = [ValidationError(missing[column], code=f"{column}_missing")]
        # A formula is the one thing wrong with its cell, whatever its text made of the value.
        for column, formula in getattr(self, "_formulas", {}).items():
            errors[column] = [
                ValidationError(spreadsheets.formula_message(formula), code="formula")
            ]
        if errors:
            raise ValidationError(errors)

    def validate_instance(
        self,
        instance: Profession,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        errors = dict(import_validation_errors or {})
        # "title" and "description" mirror the reader's language; their columns are the
        # per-language ones, where any error is reported.
        try:
            instance.full_clean(
                exclude=[*errors, "title", "description"], validate_unique=validate_unique
            )
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
