"""A reader of Kazakh (and of Russian) goes through the whole portal and finds no English.

Every page of the URL × role matrix that a role may open, the error state of every form on those
pages, the admin pages of staff and of a superuser, the e-mails and the exports (CSV, PDF,
calendar) are rendered in Kazakh and in Russian; the text a person reads (the page's words and
the titles, placeholders, labels and button values in its tags) must hold no word in Latin
letters outside a short list of codes (PDF, CSV, ...).

What a person does not read as words is taken out first: web and e-mail addresses, application,
permit and passport numbers, file names. The people and organisations of the test have Cyrillic
names, so no data typed by the test is in Latin either.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from api.models import ApiToken
from permits.models import Application, DocumentType
from portal.accounts.models import User
from portal.core import clock
from portal.notifications.models import Notification
from portal.organisations.models import Employer
from professions.models import Profession, Sphere
from stays.models import CountryRule
from tests.factories import UserFactory
from tests.security.conftest import ROLES, World, build_world
from tests.security.test_url_matrix import (
    ADMIN_ACCESS,
    GROUPS,
    MODEL_ADMIN_VIEWS,
    ROUTES,
    Bug,
    _admin_object,
    permit_a,
    statement_a,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru"]

# Words in Latin letters a Kazakh or Russian reader meets as they are: file formats, the name of
# the language switch's English button, the time zone.
ALLOWED = {"PDF", "CSV", "XLSX", "JSON", "PNG", "JPEG", "QR", "UTC", "PhD", "ISCO", "English"}
# The header of the stays CSV, which the import page names: what a person types in the file.
ALLOWED |= {"person", "entry", "exit", "note"}
ALLOWED |= {"csv", "xlsx"}  # the file formats offered by the catalogue's import and export
# The name of the interface HR systems call, written so in Kazakh and Russian technical texts
# (like JSON): "API құжаттамасы", "документация API".
ALLOWED |= {"API"}

# Cyrillic names for the people and organisations of the world (the security tests' world has
# English ones, which would be "the person's own data" here).
CYRILLIC_NAMES = {
    "alice@example.kz": "Әлия Сәрсенова",
    "bob@example.kz": "Борис Петров",
    "erlan@employer-a.kz": "Ерлан Қасымов",
    "zhanna@employer-b.kz": "Жанна Омарова",
    "rita@gov.kz": "Рита Ахметова",
    "cat@gov.kz": "Салтанат Жұмабаева",
    "chris@example.kz": "Кирилл Иванов",
    "claim@impostor.example": "Иван Иванов",
    "pending@employer-a.kz": "Мұрат Әлиев",
    "root@gov.kz": "Нұрлан Бекұлы",
}
ORGANISATIONS = ["«Арал Бұрғылау» ЖШС", "«Байқоңыр Құрылыс» ЖШС", "«Жалған» ЖШС"]

NOT_WORDS = [
    re.compile(r"https?://\S+|webcal://\S+"),  # web addresses
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"(?<![\w/])/[\w/.?=&%-]*"),  # paths of the portal
    re.compile(r"\b[A-Z]{2}-[A-Z]{2}-\d{4}-\d+\b|\b[A-Z]{2}-\d{4}-\d+\b"),  # permit, application
    re.compile(r"\bPASS-[A-Z]-\d+\b"),  # the test's passport numbers
    re.compile(r"[\w.-]+\.(pdf|png|jpe?g|csv|xlsx|ics)\b", re.IGNORECASE),  # file names
    re.compile(r"\b(application|image|text)/[\w.+-]+"),  # file types
    re.compile(r"\btestserver/\S*"),  # the portal's address on a printed statement
    re.compile(r"\b[A-Z0-9]{2,5}(?:-[A-Z0-9]{2,5}){2,}\b"),  # verification codes
    re.compile(r"\[(?:en|kk|ru)\]"),  # the language of a field in the catalogue's admin
]
LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ]{2,}")


# Not read as words: scripts, and what a person types literally (a CSV header in an example).
# A textarea holds a field's value (the English description in the catalogue's admin).
SKIPPED = ("script", "style", "template", "code", "kbd", "pre", "textarea")
# In the admin: the English version of a translated field ("name [en]"), shown as text to staff
# who may only view it, and columns or fields of identifiers (a document type's code, a slug).
SKIPPED_CLASS = re.compile(r"\bfield-(?:\w+_en|code|slug)\b")


class _Text(HTMLParser):
    """The words of a page a person reads: text outside scripts and styles, and the attributes
    that are shown or read aloud."""

    SHOWN = {"title", "alt", "placeholder", "aria-label"}
    VOID = {"input", "img", "br", "hr", "meta", "link", "source", "wbr", "col", "area"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []  # open elements since the one whose content is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._skipping:
            if tag not in self.VOID:
                self._skipping.append(tag)
            return
        if tag in SKIPPED or SKIPPED_CLASS.search(values.get("class") or ""):
            self._skipping.append(tag)
            return
        for name in self.SHOWN & set(values):
            self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag in self._skipping:
            while self._skipping and self._skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def latin_words(text: str) -> list[str]:
    """The words in Latin letters a person would read in ``text``, outside the allowed codes."""
    for pattern in NOT_WORDS:
        text = pattern.sub(" ", text)
    return sorted({w for w in LATIN_WORD.findall(text) if w not in ALLOWED})


class _Forms(HTMLParser):
    """The POST forms of a page with at least one field a person fills in."""

    FILLED = {"text", "email", "password", "date", "number", "file", "search", "tel", "url"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            if (values.get("method") or "").lower() == "post":
                self._form = {"action": values.get("action") or "", "hidden": {}, "fields": []}
            return
        if self._form is None:
            return
        name = values.get("name")
        if not name:
            return
        kind = (values.get("type") or "text").lower() if tag == "input" else tag
        if kind == "hidden":
            self._form["hidden"][name] = values.get("value") or ""
        elif kind in self.FILLED or tag in ("textarea", "select"):
            self._form["fields"].append((name, kind))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            if self._form["fields"]:
                self.forms.append(self._form)
            self._form = None


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


JUNK = {"email": "не-адрес", "date": "32.13.2024", "number": "-1", "password": "1", "file": None}


def _junk(form: dict[str, Any]) -> dict[str, Any]:
    data = dict(form["hidden"])
    for name, kind in form["fields"]:
        value = JUNK.get(kind, "х")
        if kind == "file":
            continue
        if kind == "select":
            value = "нет-такого"
        data[name] = value
    return data


def _text_of(response: Any) -> str:
    # A download is read to its end: the test client then closes it the way it closes a page
    # (closing it by hand would send "request finished" and close the test's database).
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        try:
            reader = PdfReader(io.BytesIO(content))
        except PdfReadError:
            if len(content) > 200:
                raise
            return ""  # a file a person uploaded (the tests' 50-byte stand-in), not one we made
        return " ".join(page.extract_text() for page in reader.pages)
    if not content_type.startswith(("text/", "application/json")):
        return ""
    text = content.decode("utf-8-sig")
    if content_type.startswith("text/html"):
        return page_text(text)
    if content_type.startswith("text/calendar"):
        # Only the texts of the calendar are read; its keys are the format's own.
        text = " ".join(re.findall(r"^(?:X-WR-CALNAME|SUMMARY|DESCRIPTION):(.*)$", text, re.M))
    return text


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def world(
    language,
    applicant,
    other_applicant,
    employer_user,
    other_employer_user,
    reviewer,
    catalogue_editor,
) -> World:
    # Names and language first: the messages the world sends are written as it is built.
    people = [applicant, other_applicant, employer_user, other_employer_user, reviewer]
    for person in [*people, catalogue_editor]:
        person.full_name = CYRILLIC_NAMES[person.email]
        person.preferred_language = language
        person.save(update_fields=["full_name", "preferred_language"])
    w = build_world(
        applicant, other_applicant, employer_user, other_employer_user, reviewer, catalogue_editor
    )
    w.users["superuser"] = UserFactory(
        email="root@gov.kz", kind=User.Kind.STAFF, is_staff=True, is_superuser=True
    )
    for employer, name in zip(Employer.objects.order_by("pk"), ORGANISATIONS, strict=False):
        Employer.objects.filter(pk=employer.pk).update(name=name)
    permit_a(w)  # (an earlier application of A's, typed "Alice Applicant" by the matrix)
    for doc_type in DocumentType.objects.all():
        doc_type.name_kk = doc_type.name_kk or "Құжат"
        doc_type.name_ru = doc_type.name_ru or "Документ"
        doc_type.description_kk = doc_type.description_kk or "Құжаттың сипаттамасы"
        doc_type.description_ru = doc_type.description_ru or "Описание документа"
        doc_type.save()
    # The factories' professions and spheres have English titles only: give them all three.
    for profession in Profession.objects.all():
        if profession.title_kk in (None, "", profession.title_en):
            profession.title_kk = "Бағдарламашы"
        if profession.title_ru in (None, "", profession.title_en):
            profession.title_ru = "Программист"
        profession.save(update_fields=["title_kk", "title_ru"])
    for sphere in Sphere.objects.all():
        if sphere.name_kk in (None, "", sphere.name_en):
            sphere.name_kk = "Ақпараттық технологиялар"
        if sphere.name_ru in (None, "", sphere.name_en):
            sphere.name_ru = "Информационные технологии"
        sphere.save(update_fields=["name_kk", "name_ru"])
    # A country rule's note is what ministry staff write for each other (the seeded ones are
    # in English): the reader test writes its own.
    CountryRule.objects.update(note="Министрлік тексерді")
    for email, name in CYRILLIC_NAMES.items():
        User.objects.filter(email=email).update(full_name=name)
        Application.objects.filter(applicant__email=email).update(full_name=name)
    statement_a(w)
    for user in w.users.values():
        if user is not None:
            user.refresh_from_db()
    return w


# Answers for programs, not people: monitoring, and the open data set (English keys, and the
# titles in all three languages by design).
FOR_PROGRAMS = {"health", "ping", "professions:open_data_csv", "professions:open_data_json"}


def _pages(world: World, role: str) -> Iterator[str]:
    """The pages of the matrix that ``role`` may open (answer 200 to a GET)."""
    for key, route in ROUTES.items():
        if key in FOR_PROGRAMS or key in PAGES_ENGLISH_LEFT:
            continue
        cell = route.expect[role]
        if isinstance(cell, Bug):
            cell = cell.expected
        if cell == 200:
            yield reverse(key, args=route.args(world))


# Left in English, for superusers only: the names of permissions (Django writes them into the
# database in English: "Can add application"), of the two groups, and of django-otp's models,
# on the group, user and audit-log pages. ``test_what_superusers_still_read_in_english`` keeps
# the list honest: it fails once those pages read well, and they move back into the main test.
SUPERUSER_ENGLISH_LEFT = {"auth.group", "portal.user", "admin.logentry"}
# Left in English for everyone who may open them: the catalogue's import and export pages list
# the file's columns by their machine names ("Title Kk", "Added Order Date").
PAGES_ENGLISH_LEFT = {"admin:professions_profession_export", "admin:professions_profession_import"}


def _admin_pages(world: World, role: str, labels: set[str] | None = None) -> Iterator[str]:
    if labels is None:
        yield reverse("admin:index")
    for label, (as_reviewer, as_editor) in sorted(ADMIN_ACCESS.items()):
        if labels is not None and label not in labels:
            continue
        if labels is None and role == "superuser" and label in SUPERUSER_ENGLISH_LEFT:
            continue
        app_label, model_name = label.split(".")
        if role == "superuser":
            codes: tuple[Any, ...] = (200,) * len(MODEL_ADMIN_VIEWS)
        else:
            codes = as_reviewer if role == "reviewer" else as_editor
        obj = None
        for view, code in zip(MODEL_ADMIN_VIEWS, codes, strict=True):
            if code != 200:
                continue
            if view in ("changelist", "add"):
                yield reverse(f"admin:{app_label}_{model_name}_{view}")
                continue
            obj = obj or _admin_object(world, label)
            yield reverse(f"admin:{app_label}_{model_name}_{view}", args=[obj.pk])


def _read(client, world: World, role: str, language: str, paths: list[str]) -> dict[str, list]:
    """Open each page and send each of its forms empty and with wrong values; the Latin words
    of every answer, by the address that gave it."""
    found: dict[str, list[str]] = {}
    user = world.users[role]
    client.cookies["django_language"] = language

    def login() -> None:
        if user is not None:
            client.force_login(user)
            # The language of a signed-in person is their preference.
            User.objects.filter(pk=user.pk).update(preferred_language=language)

    def check(where: str, response: Any) -> None:
        text = _text_of(response)
        words = latin_words(text)
        # A long Russian date ends in "г." and a sentence ending in one adds no period of its own.
        words += ["г.."] if "г.." in text else []
        if words:
            found[where] = words

    # Whoever's calendar or statement is opened, its holder reads it in the language too.
    User.objects.update(preferred_language=language)
    pages = []
    for path in paths:
        login()
        response = client.get(path)
        if role == "superuser" and response.status_code == 403:
            continue  # a view nobody may use (the audit log is read-only)
        assert response.status_code == 200, (path, response.status_code)
        check(path, response)
        if response.get("Content-Type", "").startswith("text/html"):
            pages.append((path, response.content.decode()))
    for path, html in pages:
        for form in forms_of(html):
            action = form["action"] or path
            for label, data in (("empty", dict(form["hidden"])), ("wrong", _junk(form))):
                login()
                response = client.post(action, data, follow=True)
                if response.status_code < 400:
                    check(f"POST {action} ({label}) from {path}", response)
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "English left:\n" + "\n".join(
        f"{where}: {' '.join(words)}" for where, words in found.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_form_reads_in_the_language(client, world, role, language):
    found = _read(client, world, role, language, list(_pages(world, role)))
    assert not found, _report(found)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", [*GROUPS["staff"], "superuser"])
def test_the_admin_reads_in_the_language(client, world, role, language):
    found = _read(client, world, role, language, list(_admin_pages(world, role)))
    assert not found, _report(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_settings_page_reads_in_the_language_in_each_state(
    client, world, language, settings
):
    """The employer's API page in each of its states: no token; a token just made (shown once);
    tokens listed, one revoked; each form shown again with its errors; the webhook set (its
    secret shown once), changed, given a new secret and removed; deliveries in every state. The
    events' names (``stay.status_changed``) are the API's, in code, like the tokens' beginnings."""
    user = world.users["employer_a"]
    url = reverse("api:settings")
    ApiToken.objects.filter(employer_id=user.employer_id).delete()
    client.cookies["django_language"] = language
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    client.force_login(user)
    found: dict[str, list[str]] = {}

    def read(where: str, response: Any) -> Any:
        assert response.status_code == 200, (where, response.status_code)
        words = latin_words(_text_of(response))
        if words:
            found[where] = words
        return response.context

    assert not read("no token", client.get(url))["tokens"]
    assert read("token form with errors", client.post(url, {"action": "create", "name": ""}))[
        "token_form"
    ].errors
    for address in ("https://10.0.0.1/hook", "не адрес", "ftp://93.184.215.14/h"):
        context = read(
            f"webhook form with errors ({address})",
            client.post(url, {"action": "webhook", "url": address}),
        )
        assert context["webhook_form"].errors, address
    made = client.post(url, {"action": "create", "name": "Кадр жүйесі"})
    assert read("a token just made", made)["new_token"]
    client.post(url, {"action": "create", "name": "Сынақ"})
    revoked = ApiToken.objects.get(name="Сынақ")
    read(
        "a token revoked", client.post(url, {"action": "revoke", "token": revoked.pk}, follow=True)
    )
    assert len(read("tokens listed", client.get(url))["tokens"]) == 2
    settings.WEBHOOK_ALLOW_LOCAL = True  # an address the test can give without the internet
    webhook = {"action": "webhook", "url": "http://127.0.0.1:9/hook"}
    assert read("the webhook set, its secret shown once", client.post(url, webhook))["new_secret"]
    webhook["url"] += "/other"
    read("the webhook changed", client.post(url, webhook, follow=True))
    assert read("a new secret", client.post(url, {"action": "secret"}))["new_secret"]
    now = clock.real_now()
    for fields in [
        {"email_sent_at": now, "email_attempts": 1, "response_status": 200},
        {"email_sent_at": now, "email_error": "not sent: no webhook address any more"},
        {"email_attempts": settings.WEBHOOK_MAX_ATTEMPTS, "response_status": 500},
        {"email_attempts": 1, "response_status": 503},
        {},
    ]:
        Notification.objects.create(
            channel=Notification.Channel.WEBHOOK,
            employer_id=user.employer_id,
            kind="stay.status_changed",
            subject="stay.status_changed",
            body="{}",
            read_at=now,
            **fields,
        )
    states = {d.state_label for d in read("deliveries listed", client.get(url))["deliveries"]}
    assert len(states) == 5
    read("the webhook removed", client.post(url, {"action": "webhook_remove"}, follow=True))
    assert not found, _report(found)


@pytest.mark.xfail(strict=True, reason="import/export pages name the file's columns in English")
@pytest.mark.parametrize("language", LANGUAGES)
def test_what_the_catalogue_import_and_export_still_say_in_english(client, world, language):
    pages = [reverse(key) for key in sorted(PAGES_ENGLISH_LEFT)]
    found = _read(client, world, "catalogue_editor", language, pages)
    assert not found, _report(found)


@pytest.mark.xfail(strict=True, reason="permission, group and django-otp names are English data")
@pytest.mark.parametrize("language", LANGUAGES)
def test_what_superusers_still_read_in_english(client, world, language):
    pages = list(_admin_pages(world, "superuser", SUPERUSER_ENGLISH_LEFT))
    found = _read(client, world, "superuser", language, pages)
    assert not found, _report(found)


def test_the_reader_sees_english_where_it_is_left():
    # The check itself: a Django text or a country name left in English is found.
    assert latin_words("Please enter a correct электрондық пошта мекенжайы") == [
        "Please",
        "correct",
        "enter",
    ]
    assert latin_words("Germany азаматы (визасыз кіру)") == ["Germany"]
    assert latin_words("RP-2026-000001 · KZ-RP-2026-0000002 · a@b.kz · /permits/ · PDF") == []
