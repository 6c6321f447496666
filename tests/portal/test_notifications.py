"""The outbox: written with the event, delivered by a real worker, never twice, never lost."""

import os
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse

from portal.notifications import outbox as notifications
from portal.notifications.models import Notification
from tests.conftest import deliveries_done, start_worker, use_broker, wait_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class FailingOnceBackend(LocmemBackend):
    """An SMTP server that refuses the first message (Django's own test backend underneath)."""

    failures = 1

    def send_messages(self, messages):
        if FailingOnceBackend.failures:
            FailingOnceBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)


def _notify(user, key="k1"):
    return notifications.notify(
        recipient=user,
        kind="test",
        template="status_change",
        context={"application": None, "change": None},
        event_key=key,
    )


def test_it_sends_in_the_recipients_language(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    assert Notification.objects.get().email_sent_at is not None


def test_delivery_is_idempotent(mailoutbox):
    user = UserFactory()
    notification = _notify(user)
    assert notifications.deliver(notification.pk) is True
    assert notifications.deliver(notification.pk) is False
    assert len(mailoutbox) == 1


def test_an_event_is_notified_once(mailoutbox):
    user = UserFactory()
    assert _notify(user, "same") is not None
    assert _notify(user, "same") is None
    assert Notification.objects.count() == 1


def _item(user, key):
    return {
        "recipient": user,
        "kind": "test",
        "template": "status_change",
        "context": {"application": None, "change": None},
        "event_key": key,
    }


def test_many_at_once_are_stored_in_their_languages_and_sent_after_the_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    kk, ru = UserFactory(preferred_language="kk"), UserFactory(preferred_language="ru")
    _notify(kk, "told-before")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stored = notifications.notify_many(
            [_item(kk, "told-before"), _item(kk, "new-kk"), _item(ru, "new-ru")]
        )
    assert stored == 2 and Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted([kk.email, ru.email])
    by_key = {n.event_key: n for n in Notification.objects.all()}
    assert by_key["new-kk"].subject == by_key["told-before"].subject  # the same language
    assert by_key["new-ru"].subject != by_key["new-kk"].subject


def test_many_at_once_fall_back_one_by_one_when_an_event_is_there_twice():
    """A duplicate key breaks the single INSERT: each is then tried alone, and told once."""
    user = UserFactory()
    assert notifications.notify_many([_item(user, "twice"), _item(user, "twice")]) == 1
    assert Notification.objects.filter(event_key="twice").count() == 1


def test_a_failed_send_is_released_for_a_retry(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.FailingOnceBackend"
    FailingOnceBackend.failures = 1
    notification = _notify(UserFactory())
    with pytest.raises(ConnectionRefusedError):
        notifications.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.email_sent_at is None and notification.email_attempts == 1
    assert "SMTP" in notification.email_error
    assert notifications.deliver(notification.pk) is True
    assert len(mailoutbox) == 1


def test_nothing_is_written_when_the_event_rolls_back():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(user)
        raise RuntimeError("the transition failed")
    assert not Notification.objects.exists()


def test_the_inbox_shows_them_and_reading_marks_nothing(client):
    user = UserFactory()
    _notify(user)
    client.force_login(user)
    html = client.get("/inbox/").content.decode()
    assert Notification.objects.get().subject in html and "Mark as read" in html
    assert Notification.objects.get().read_at is None


def test_the_person_marks_one_or_all_read_by_post(client):
    user = UserFactory()
    first, second, third = _notify(user, "k1"), _notify(user, "k2"), _notify(user, "k3")
    client.force_login(user)
    response = client.post(reverse("portal:inbox_mark_read"), {"notification": first.pk})
    assert response.status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True)) == {second, third}
    client.post(reverse("portal:inbox_mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "Mark all as read" not in client.get("/inbox/").content.decode()


def test_nobody_marks_anothers_notification_read(client, other_applicant):
    theirs = _notify(UserFactory(), "theirs")
    client.force_login(other_applicant)
    client.post(reverse("portal:inbox_mark_read"), {"notification": theirs.pk})
    client.post(reverse("portal:inbox_mark_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_shows_only_ones_own(client, other_applicant):
    _notify(UserFactory(), "theirs")
    client.force_login(other_applicant)
    assert "Application" not in client.get("/inbox/").content.decode().split("<main")[1]


@pytest.mark.services
def test_it_survives_redis_being_down_and_delivers_once_after(
    redis_broker,
    django_db_serialized_rollback,
    transactional_db,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    # Redis unreachable when the event commits: the broker URL points at a closed port.
    use_broker("redis://127.0.0.1:6390/0")
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert Notification.objects.filter(pk=notification.pk, email_sent_at=None).exists()

    # Redis is back: the sweeper re-queues, a real worker delivers, exactly once.
    use_broker(redis_broker)
    mail_dir = tmp_path / "var"
    os.environ["VAR_DIR"] = str(mail_dir)
    try:
        worker = start_worker(redis_broker, tmp_path / "worker.log")
    finally:
        os.environ.pop("VAR_DIR")
    try:
        assert notifications.sweep(older_than=timedelta(0)) == 1
        queued = 1 + notifications.sweep(older_than=timedelta(0))  # 0 or 1 more
        assert wait_for(
            lambda: Notification.objects.filter(
                pk=notification.pk, email_sent_at__isnull=False
            ).exists()
        ), worker.output()
        # A duplicate queue entry sends nothing: wait until the worker has finished every
        # delivery task queued (not for some time to pass), then count the e-mails.
        assert notifications.enqueue(notification.pk)
        queued += 1
        assert wait_for(lambda: deliveries_done(worker, redis_broker, queued)), worker.output()
    finally:
        worker.stop()
    sent = list((mail_dir / "mail").glob("*.log"))
    assert len(sent) == 1, worker.output()
    assert user.email in sent[0].read_text()


def test_texts_show_names_as_typed_and_html_escapes_them_once(
    client, employer_user, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from portal.organisations.models import Sponsorship

    employer_user.employer.name = "Eve & Co <b>"
    employer_user.employer.save(update_fields=["name"])
    person = UserFactory(full_name="O'Brien & <i>Sons</i>", preferred_language="en")
    client.force_login(employer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:sponsorship_invite"), {"staff-email": person.email})
    client.force_login(person)
    token = Sponsorship.objects.get().token
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:sponsorship_answer", args=[token]), {"answer": "accept"})

    invited, accepted = mailoutbox  # to the person, then to the employer
    assert "Eve & Co <b> invites you" in invited.subject
    assert "Eve & Co <b> (BIN" in invited.body
    assert "O'Brien & <i>Sons</i> accepted the sponsorship of Eve & Co <b>." in accepted.body
    assert accepted.subject.startswith("O'Brien & <i>Sons</i> is now sponsored")
    for message in (invited, accepted):
        assert "&amp;" not in message.subject + message.body
        assert "&#x27;" not in message.subject + message.body
    html = invited.alternatives[0][0]
    assert "Eve &amp; Co &lt;b&gt;" in html and "<b>" not in html

    # The inbox shows the stored text escaped once: the name, never its markup or "&amp;amp;".
    page = client.get("/inbox/").content.decode()
    assert "Eve &amp; Co &lt;b&gt; invites you" in page
    assert "Eve &amp; Co &lt;b&gt; (BIN" in page
    assert "&amp;amp;" not in page and "<b>" not in page
