"""Sign-up and profile forms. Forms validate input only; services do the writing."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.core.countries import foreign_citizenship
from portal.core.uploads import validate_upload
from portal.organisations.models import validate_bin


class _CrispyMixin:
    def _init_helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class _SignupBase(_CrispyMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "preferred_language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        """Whether an account has the address already is the account service's to say
        (``portal.accounts.services.user_create``), with its own message, not the model's."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApplicantSignupForm(_SignupBase):
    class Meta(_SignupBase.Meta):
        fields = ["full_name", "email", "citizenship", "preferred_language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizenship"].required = True
        foreign_citizenship(self.fields["citizenship"])


class RegistrationDocumentField(forms.FileField):
    """The organisation's state registration certificate: PDF, JPEG or PNG, judged by content
    (``portal.uploads.validate_upload``); ``clean`` returns the file with ``content_type`` set
    to what its content is."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("State registration certificate (PDF, JPEG or PNG, 10 MB)"))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def clean(self, data: Any, initial: Any = None) -> Any:

        upload = super().clean(data, initial)
        if upload:
            upload.content_type = validate_upload(upload)
        return upload


class EmployerSignupForm(_SignupBase):
    bin = forms.CharField(
        label=_("Organisation BIN"),
        # validate_bin alone says what is wrong: a length limit here would add a second error.
        validators=[validate_bin],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "12 digits. If your organisation is registered and verified already, you join it "
            "once a colleague confirms you."
        ),
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        required=False,
        help_text=_("As on the state registration certificate. Not needed to join."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    registration_document = RegistrationDocumentField(
        required=False,
        help_text=_(
            "Ministry staff check the organisation against it before it sees anyone's data. "
            "Not needed to join a verified organisation."
        ),
    )

    field_order = [
        "full_name",
        "email",
        "bin",
        "organisation_name",
        "address",
        "registration_document",
        "preferred_language",
        "password1",
        "password2",
    ]

    def clean_bin(self) -> str:
        return self.cleaned_data["bin"].strip()


class RegistrationDocumentForm(forms.Form):
    """A corrected registration certificate, sent from the waiting page."""

    registration_document = RegistrationDocumentField()


class ProfileForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "citizenship", "preferred_language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()
        if self.instance.kind == User.Kind.APPLICANT:
            foreign_citizenship(self.fields["citizenship"])


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class ColleagueJoinForm(_SignupBase):
    class Meta(_SignupBase.Meta):
        fields = ["full_name", "preferred_language"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.invited_email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["email"] = self.invited_email
        return super().clean()
