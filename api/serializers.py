"""What the API says and takes: the staff rows of ``portal.workspace.staff`` (the one projection
of an organisation's staff) as JSON, the filters of the list, and the one write. Field names are
English (a machine interface); the schema at /api/v1/schema/ is made from these classes."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arrivals.models import ArrivalRegistration
from permits.states import Status
from portal.workspace.staff import ATTENTION, StaffRow

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
ARRIVAL_DUE = "arrival_registration_due"  # an open registration due today or overdue


def encode_cursor(sponsorship_id: int) -> str:
    return base64.urlsafe_b64encode(f"s{sponsorship_id}".encode()).decode().rstrip("=")


# A cursor is "s" and a sponsorship id (a bigint: at most 19 digits), base64-encoded.
_CURSOR = re.compile(r"s[0-9]{1,19}")
MAX_CURSOR_LENGTH = 40


def decode_cursor(value: str) -> int:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise serializers.ValidationError("Not a cursor given by this API.") from error
    if not _CURSOR.fullmatch(text):
        raise serializers.ValidationError("Not a cursor given by this API.")
    return int(text[1:])


class MomentField(serializers.DateTimeField):
    """DRF's date-time, with a moment that cannot be placed in the time zone (``0001-01-01``
    in Almaty is before year 1 in UTC) a 400 rather than an ``OverflowError``."""

    def enforce_timezone(self, value: datetime) -> datetime:
        try:
            return super().enforce_timezone(value)
        except OverflowError as error:
            raise serializers.ValidationError(
                self.error_messages["overflow"], code="overflow"
            ) from error


class StaffFilters(serializers.Serializer):
    needs_attention = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only people who need attention (any of `attention`); false: only "
        "those who do not.",
    )
    state = serializers.ChoiceField(
        choices=[*Status.values, "none"],
        required=False,
        help_text="The state of the person's latest application; `none`: no application.",
    )
    attention = serializers.ChoiceField(
        choices=[*ATTENTION, ARRIVAL_DUE], required=False, help_text="One kind of attention."
    )
    updated_since = MomentField(
        required=False, help_text="Only people whose facts changed at or after this moment."
    )
    cursor = serializers.CharField(
        required=False,
        max_length=MAX_CURSOR_LENGTH,
        help_text="The `next` cursor of the previous page.",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
    )

    def validate_cursor(self, value: str) -> int:
        return decode_cursor(value)


class ArrivalRegistrationOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    arrival = serializers.DateField()
    deadline = serializers.DateField()
    state = serializers.ChoiceField(choices=ArrivalRegistration.State.values)
    made_on = serializers.DateField(allow_null=True)
    reference = serializers.CharField()
    reason = serializers.CharField()
    recorded_at = serializers.DateTimeField(allow_null=True)
    recorded_through = serializers.CharField(
        help_text="The API token it was recorded through (name and first characters); empty "
        "when recorded on the portal's pages."
    )


class ApplicationOut(serializers.Serializer):
    number = serializers.CharField(source="app_number")
    state = serializers.ChoiceField(source="app_status", choices=Status.values)
    submitted_at = serializers.DateTimeField(source="app_submitted", allow_null=True)
    decided_at = serializers.DateTimeField(source="app_decided", allow_null=True)


class PermitOut(serializers.Serializer):
    number = serializers.CharField(source="permit_number")
    valid_until = serializers.DateField(source="permit_until")
    revoked_on = serializers.DateField(source="permit_revoked_on", allow_null=True)


class StayOut(serializers.Serializer):
    in_country = serializers.BooleanField()
    days_used = serializers.IntegerField()
    days_left = serializers.IntegerField()
    must_leave_by = serializers.DateField(allow_null=True)
    violations = serializers.IntegerField()


class StaffMemberOut(serializers.Serializer):
    """One sponsored person as the organisation sees them today."""

    person_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    citizenship = serializers.CharField(help_text="ISO 3166-1 alpha-2; empty when not given.")
    profession = serializers.CharField()
    passport_expiry = serializers.DateField(allow_null=True)
    application = serializers.SerializerMethodField()
    permit = serializers.SerializerMethodField()
    stay = serializers.SerializerMethodField()
    attention = serializers.SerializerMethodField()
    needs_attention = serializers.SerializerMethodField()
    open_arrival_registrations = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    def _registrations(self, row: StaffRow) -> list[ArrivalRegistration]:
        return self.context["registrations"].get(row.person_id, [])

    @extend_schema_field(ApplicationOut(allow_null=True))
    def get_application(self, row: StaffRow) -> dict[str, Any] | None:
        return ApplicationOut(row).data if row.app_status else None

    @extend_schema_field(PermitOut(allow_null=True))
    def get_permit(self, row: StaffRow) -> dict[str, Any] | None:
        return PermitOut(row).data if row.permit_number else None

    @extend_schema_field(StayOut(allow_null=True))
    def get_stay(self, row: StaffRow) -> dict[str, Any] | None:
        if not row.has_status:
            return None
        return StayOut(
            {
                "in_country": row.in_country,
                "days_used": row.days_used,
                "days_left": row.days_left,
                "must_leave_by": row.must_leave_by,
                "violations": row.violations,
            }
        ).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=[*ATTENTION, ARRIVAL_DUE]))
    )
    def get_attention(self, row: StaffRow) -> list[str]:
        return attention(row, self._registrations(row), self.context["on"])

    def get_needs_attention(self, row: StaffRow) -> bool:
        return bool(self.get_attention(row))

    @extend_schema_field(ArrivalRegistrationOut(many=True))
    def get_open_arrival_registrations(self, row: StaffRow) -> list[dict[str, Any]]:
        return list(ArrivalRegistrationOut(self._registrations(row), many=True).data)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_updated_at(self, row: StaffRow) -> str | None:
        moment = updated_at(row, self._registrations(row))
        return serializers.DateTimeField().to_representation(moment) if moment else None


def attention(row: StaffRow, registrations: list[ArrivalRegistration], on: Any) -> list[str]:
    """The row's kinds of attention (``staff.Attention``), and an arrival registration due
    today or overdue."""
    kinds = sorted(row.attention)
    if any(r.deadline <= on for r in registrations):
        kinds.append(ARRIVAL_DUE)
    return kinds


def updated_at(row: StaffRow, registrations: list[ArrivalRegistration]) -> Any:
    moments = [row.updated_at, *(r.updated_at for r in registrations)]
    return max((m for m in moments if m is not None), default=None)


class StaffPageOut(serializers.Serializer):
    results = StaffMemberOut(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="The cursor of the next page (pass it as `cursor`); null: last."
    )


class RecordIn(serializers.Serializer):
    """Record an arrival registration: made (date, reference number) or not needed (reason)."""

    outcome = serializers.ChoiceField(choices=["made", "not_needed"])
    made_on = serializers.DateField(required=False, help_text="With `made`.")
    reference = serializers.CharField(required=False, max_length=100, help_text="With `made`.")
    reason = serializers.CharField(required=False, max_length=500, help_text="With `not_needed`.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = ["made_on", "reference"] if data["outcome"] == "made" else ["reason"]
        missing = {
            name: [f"This field is required when outcome is {data['outcome']}."]
            for name in needed
            if not data.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return data
