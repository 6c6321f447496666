"""The API for HR systems, version 1: the organisation's sponsored staff, and recording an
arrival registration. Every call is made with a token (``authentication``), written down and
counted (``services.call_begin``); answers and their error messages are in English."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arrivals import services as arrivals
from arrivals.models import ArrivalRegistration
from portal.core.clock import today
from portal.workspace.staff import StaffRow, complete, select, staff_rows

from . import access, services
from .authentication import BearerTokenAuthentication
from .models import ApiCall
from .serializers import (
    ArrivalRegistrationOut,
    RecordIn,
    StaffFilters,
    StaffMemberOut,
    StaffPageOut,
    attention,
    encode_cursor,
    updated_at,
)

ERRORS = {
    400: OpenApiResponse(description="Bad input: the fields named, each with its messages."),
    401: OpenApiResponse(description="No token, or a token that does not work."),
    429: OpenApiResponse(description="Too many calls: wait the seconds of `Retry-After`."),
}

NOT_OURS = OpenApiResponse(description="Not the organisation's (or no such object).")


class OrganisationView(APIView):
    """A call on behalf of the organisation whose token it carries."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    call: ApiCall | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # the token, then the permission
        self.call, wait = services.call_begin(
            token=request.auth, method=request.method or "", path=request.get_full_path()
        )
        if wait is not None:
            raise Throttled(wait=wait)

    def handle_exception(self, exc: Exception) -> Any:
        """An error the exception handler does not answer goes up to Django: the call is
        recorded as the 500 it becomes (``finalize_response`` is skipped then)."""
        try:
            return super().handle_exception(exc)
        except BaseException:
            if self.call is not None:
                services.call_end(self.call, 500)
            raise

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data: no cache (a proxy's, the HR system's HTTP library's) keeps a copy.
        add_never_cache_headers(response)
        if self.call is not None:
            services.call_end(self.call, response.status_code)
        return response

    @property
    def employer_id(self) -> int:
        return self.request.auth.employer_id


def _open_registrations(employer_id: int) -> dict[int, list[ArrivalRegistration]]:
    """The organisation's open arrival registrations by person (one query)."""
    by_person: dict[int, list[ArrivalRegistration]] = defaultdict(list)
    rows = access.employer_registrations(employer_id).filter(state=ArrivalRegistration.State.OPEN)
    for registration in rows.order_by("deadline", "pk"):
        by_person[registration.person_id].append(registration)
    return by_person


class StaffList(OrganisationView):
    """The organisation's sponsored staff."""

    @extend_schema(
        operation_id="staff_list",
        summary="The organisation's sponsored staff",
        description="Everyone the organisation actively sponsors, in a stable order, a page at "
        "a time (follow `next`). Filters combine.",
        parameters=[StaffFilters],
        responses={200: StaffPageOut, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = StaffFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        on = today()
        rows = staff_rows(request.auth.employer, on, changes=True)
        registrations = _open_registrations(self.employer_id)
        if "state" in wanted:
            rows = select(rows, {"status": wanted["state"]}).rows
        if wanted.get("needs_attention") is not None or "attention" in wanted:
            kinds = {r.person_id: attention(r, registrations[r.person_id], on) for r in rows}
            if wanted.get("needs_attention") is not None:
                rows = [r for r in rows if bool(kinds[r.person_id]) == wanted["needs_attention"]]
            if "attention" in wanted:
                rows = [r for r in rows if wanted["attention"] in kinds[r.person_id]]
        if "updated_since" in wanted:
            since = wanted["updated_since"]
            rows = [
                r
                for r in rows
                if (moment := updated_at(r, registrations[r.person_id])) and moment >= since
            ]
        rows.sort(key=lambda r: r.sponsorship_id)
        if "cursor" in wanted:
            rows = [r for r in rows if r.sponsorship_id > wanted["cursor"]]
        limit = wanted["limit"]
        page = complete(rows[:limit], moments=True)
        following = encode_cursor(page[-1].sponsorship_id) if len(rows) > limit else None
        context = {"registrations": registrations, "on": on}
        return Response(
            {
                "results": StaffMemberOut(page, many=True, context=context).data,
                "next": following,
            }
        )


class StaffDetail(OrganisationView):
    """One person the organisation sponsors."""

    @extend_schema(
        operation_id="staff_retrieve",
        summary="One sponsored person",
        responses={
            200: StaffMemberOut,
            404: OpenApiResponse(description="Not sponsored by the organisation."),
            **ERRORS,
        },
    )
    def get(self, request: Request, person_id: int) -> Response:
        on = today()
        row = _row_of(staff_rows(request.auth.employer, on, changes=True), person_id)
        registrations = _open_registrations(self.employer_id)
        context = {"registrations": registrations, "on": on}
        return Response(StaffMemberOut(complete([row], moments=True)[0], context=context).data)


def _row_of(rows: list[StaffRow], person_id: int) -> StaffRow:
    for row in rows:
        if row.person_id == person_id:
            return row
    raise NotFound()


class Registration(OrganisationView):
    """One of the organisation's arrival registrations."""

    def _registration(self, pk: int) -> ArrivalRegistration:
        return get_object_or_404(access.token_registrations(self.request.auth), pk=pk)

    @extend_schema(
        operation_id="arrival_registration_retrieve",
        summary="One arrival registration",
        responses={
            200: ArrivalRegistrationOut,
            404: NOT_OURS,
            **ERRORS,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ArrivalRegistrationOut(self._registration(pk)).data)

    @extend_schema(
        operation_id="arrival_registration_record",
        summary="Record an arrival registration",
        description="The one write: the registration was made (`made_on`, `reference`) or was "
        "not needed (`reason`). An open registration only.",
        request=RecordIn,
        responses={
            200: ArrivalRegistrationOut,
            404: NOT_OURS,
            409: OpenApiResponse(description="Already recorded."),
            **ERRORS,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        registration = self._registration(pk)
        if not registration.is_open():
            return Response(
                {"detail": "This arrival registration has already been recorded."},
                status=status.HTTP_409_CONFLICT,
            )
        data = RecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Recorded through the token (its name and first characters), in the name of its maker
        # only while they are still a confirmed member of the organisation.
        by = access.answerable(request.auth)
        through = access.token_label(request.auth)
        try:
            if values["outcome"] == "made":
                recorded = arrivals.registration_record_made(
                    registration=registration,
                    made_on=values["made_on"],
                    reference=values["reference"],
                    by=by,
                    through=through,
                )
            else:
                recorded = arrivals.registration_record_not_needed(
                    registration=registration, reason=values["reason"], by=by, through=through
                )
        except arrivals.RegistrationError as error:
            field = error.field or "non_field_errors"
            return Response({field: [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ArrivalRegistrationOut(recorded).data)
