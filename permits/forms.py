"""Forms of the application steps. They validate input only."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.core.clock import today
from portal.core.countries import foreign_citizenship
from portal.core.uploads import validate_upload
from portal.organisations.models import validate_bin
from professions.models import Profession

from .models import Application, DocumentType, passport_problem, permit_rules
from .validity import MIN_APPLICANT_AGE, add_years, age_on


class _StepForm(forms.ModelForm):
    required_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        for name in self.required_fields:
            self.fields[name].required = True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonalForm(_StepForm):
    required_fields = ("full_name", "date_of_birth", "citizenship", "phone")

    class Meta:
        model = Application
        fields = ["full_name", "date_of_birth", "citizenship", "phone", "address_in_kazakhstan"]
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        foreign_citizenship(self.fields["citizenship"])

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        now = today()
        if born and (born >= now or born.year < 1900):
            raise forms.ValidationError(_("Enter your real date of birth."))
        if born and age_on(born, now) < MIN_APPLICANT_AGE:
            raise forms.ValidationError(
                _("Applicants must be at least %(age)d years old: you will be on %(date)s.")
                % {
                    "age": MIN_APPLICANT_AGE,
                    "date": date_format(add_years(born, MIN_APPLICANT_AGE), "DATE_FORMAT"),
                }
            )
        return born


class PassportForm(_StepForm):
    required_fields = ("passport_number", "passport_expiry")

    class Meta:
        model = Application
        fields = ["passport_number", "passport_expiry"]
        widgets = {"passport_expiry": DateInput()}

    def clean_passport_number(self) -> str:
        number = self.cleaned_data["passport_number"].strip().upper().replace(" ", "")
        if not number.isalnum() or not 5 <= len(number) <= 20:
            raise forms.ValidationError(
                _("Enter the passport number as printed: 5 to 20 letters and digits.")
            )
        return number

    def clean_passport_expiry(self) -> Any:
        expiry = self.cleaned_data["passport_expiry"]
        problem = passport_problem(expiry, today(), margin_days=permit_rules().passport_margin_days)
        if problem:
            raise forms.ValidationError(problem)
        return expiry


class ProfessionForm(_StepForm):
    """The profession step. ``search`` narrows the choices to the listed professions whose code
    or title, in any language, contains every word typed (``Profession.objects.search``), and
    always keeps the profession already chosen: a search never loses the answer. One query
    lists the choices, however long the catalogue."""

    class Meta:
        model = Application
        fields = ["profession", "profession_not_listed", "profession_other"]

    def __init__(self, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search = " ".join(search.split())[:SEARCH_MAX_LENGTH]
        kept = self.instance.profession_id
        field = self.fields["profession"]
        field.queryset = profession_choices(self.search, keep=kept)
        if self.search and kept:
            # The answer already given stays on the narrowed list whatever was searched: said so.
            plain = field.label_from_instance
            field.label_from_instance = lambda p: (
                _("%(profession)s (your current answer)") % {"profession": plain(p)}
                if p.pk == kept
                else plain(p)
            )
        self.fields["profession"].help_text = _(
            "Professions on the Ministry of Labour's list give the facilitated route."
        )
        self.fields["profession_other"].help_text = _(
            "Only when your profession is not listed: the standard route applies."
        )

    def match_count(self) -> int:
        """How many listed professions the search found (the chosen one aside)."""
        return Profession.objects.listed().search(self.search).count()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("profession_not_listed"):
            cleaned["profession"] = None
            if not (cleaned.get("profession_other") or "").strip():
                self.add_error("profession_other", _("Name your profession."))
        elif not cleaned.get("profession"):
            self.add_error(
                "profession",
                _("Choose your profession, or tick “my profession is not listed”."),
            )
        else:
            cleaned["profession_other"] = ""
        return cleaned


SEARCH_MAX_LENGTH = 100


def profession_choices(search: str, *, keep: int | None = None) -> QuerySet[Profession]:
    """The listed professions matching ``search`` (all of them without one), by title in the
    reader's language, plus the one already chosen (``keep``) whatever the search."""

    listed = Profession.objects.listed()
    if not search:
        return listed.by_title()
    matching = Q(pk__in=listed.search(search).values("pk"))
    if keep is not None:
        matching |= Q(pk=keep)
    return listed.filter(matching).by_title()


class EmployerForm(_StepForm):
    class Meta:
        model = Application
        fields = ["employer_bin"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer_bin"].help_text = _(
            "Optional. The 12-digit BIN of the organisation that sponsors you. It is asked to "
            "accept; once it does, it follows your application (never your documents)."
        )

    def clean_employer_bin(self) -> str:
        value = self.cleaned_data["employer_bin"].strip()
        if not value:
            return ""
        validate_bin(value)  # one message: the length, or else the check digit
        # Whether an organisation may be named (verified, not another while one sponsors the
        # person) is the service's to say: ``services.application_step_save``.
        return value


class DocumentForm(forms.Form):
    doc_type = forms.ModelChoiceField(
        queryset=DocumentType.objects.none(), label=_("Document type")
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))

    def __init__(self, *args: Any, route: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = DocumentType.objects.offered_on(route)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.content_type = validate_upload(upload)
        return upload


class AnswerForm(forms.Form):
    # Whether an answer is needed is the workflow's to say (only an answer to an information
    # request needs one); the form takes what is typed.
    note = forms.CharField(
        label=_("Your answer to the reviewer"),
        help_text=_("What you changed or added, or why nothing needs to change."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STEP_FORMS: dict[str, type[_StepForm]] = {
    Application.Step.PERSONAL: PersonalForm,
    Application.Step.PASSPORT: PassportForm,
    Application.Step.PROFESSION: ProfessionForm,
    Application.Step.EMPLOYER: EmployerForm,
}
