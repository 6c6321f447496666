"""Factories for tests: people and organisations. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import random

import factory
from django.contrib.auth.models import Group

from portal.accounts.models import User
from portal.core.identifiers import check_digit
from portal.organisations.models import Employer

PASSWORD = "Correct-Horse-77"


def valid_bin() -> str:
    while True:
        first = "".join(random.choice("0123456789") for _ in range(11))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer  # (several claims may name one BIN: always a new row)

    bin = factory.LazyFunction(valid_bin)
    name = factory.Sequence(lambda n: f"Employer {n} LLP")
    address = "Astana, Mangilik El 8"
    # Verified by default: most tests are about what a (verified) employer sees. Tests of the
    # verification itself ask for ``status=Employer.Status.PENDING``.
    status = Employer.Status.VERIFIED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.kz")
    full_name = factory.Faker("name")
    kind = User.Kind.APPLICANT
    citizenship = "DE"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class EmployerUserFactory(UserFactory):
    kind = User.Kind.EMPLOYER
    employer = factory.SubFactory(EmployerFactory)
    employer_confirmed = True
    citizenship = "KZ"


class StaffFactory(UserFactory):
    kind = User.Kind.STAFF
    is_staff = True
    citizenship = "KZ"


def sponsor(employer: Employer, person: User):
    """An active sponsorship of ``person`` by ``employer``."""
    from portal.organisations.models import Sponsorship

    return Sponsorship.objects.create(
        employer=employer, person=person, email=person.email, status=Sponsorship.Status.ACTIVE
    )
