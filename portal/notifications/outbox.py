"""The notification outbox: write in the event's transaction, deliver from Celery, never twice.

``notify()`` renders the message in the recipient's language and stores it; after the commit it
queues ``deliver_notification_task``. If the broker is down the row simply waits: the beat task
``sweep_notifications_task`` queues every undelivered row again. ``deliver()`` claims a row with a
conditional UPDATE before sending, so two workers (or a retry) never send the same e-mail twice.

Webhooks (channel "webhook", written by ``portal.organisations.webhooks.announce``) go the same
way: the same task, claim, retries with growing delays and sweeper; a failed one waits out its
delay (``next_attempt_at``) before the sweeper takes it again, and after
``WEBHOOK_MAX_ATTEMPTS`` failed attempts it is left as failed.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from portal.accounts.models import User
from portal.core import clock
from portal.core.statements import Statement
from portal.notifications import webhooks
from portal.notifications.models import Notification

log = logging.getLogger(__name__)

# The delivery task's time limits (a prefork worker enforces them): the soft one raises inside
# ``deliver`` (the claim is released, the attempt counted, the task retried), the hard one ends
# the worker process. A webhook POST has its own deadline (``webhooks.DEADLINE_SECONDS``), far
# below these.
TASK_SOFT_TIME_LIMIT = 60
TASK_TIME_LIMIT = 90
# A claim older than this is taken to belong to a worker that died before sending. Longer than
# the task's time limit: a task still running never has its row claimed by another worker.
CLAIM_TIMEOUT = timedelta(minutes=10)
MARK_SENT_TRIES = 5


def _rendered(
    recipient: User,
    kind: str,
    template: str,
    context: dict[str, Any],
    link: str = "",
    event_key: str | None = None,
) -> Notification:
    """An unsaved notification, its message rendered in the recipient's language."""
    subject, body, html = render_message(
        template,
        {**context, "recipient": recipient, "link": link, "site_url": settings.SITE_URL},
        recipient.preferred_language or settings.LANGUAGE_CODE,
    )
    return Notification(
        recipient=recipient,
        kind=kind,
        event_key=event_key,
        subject=subject[:255],
        body=body,
        body_html=html,
        link=link,
    )


def render_message(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Render ``templates/emails/<template>_subject.txt``, ``_body.txt`` and ``_body.html``.

    The subject and the plain-text body are text, not HTML: names in them stay as typed
    ("Eve & Co", not "Eve &amp; Co"). Whatever shows them as HTML (the inbox) escapes them there,
    once. The HTML body is escaped as usual.
    """
    with translation.override(language):
        subject = render_text(f"emails/{template}_subject.txt", context).strip()
        body = render_text(f"emails/{template}_body.txt", context).strip()
        subject = " ".join(subject.split())
        # The HTML says its language and carries the subject as its title (screen readers
        # and mail clients read both); no request here, so no context processor gives them.
        html = render_to_string(
            f"emails/{template}_body.html",
            {**context, "LANGUAGE_CODE": translation.get_language(), "subject": subject},
        )
    return subject, body, html


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping (also in the templates it includes)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def notify(
    *,
    recipient: User,
    kind: str,
    template: str,
    context: dict[str, Any],
    link: str = "",
    event_key: str | None = None,
) -> Notification | None:
    """Store a notification for ``recipient`` and queue its e-mail once the transaction commits.

    With an ``event_key`` seen before, nothing is stored and None is returned.
    """
    if event_key and Notification.objects.filter(event_key=event_key).exists():
        return None
    notification = _rendered(recipient, kind, template, context, link, event_key)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if event_key:  # a concurrent scan stored the same event first
            return None
        raise
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def notify_many(items: list[dict[str, Any]]) -> int:
    """``notify()`` for many at once (the daily scan): one query for the events already told,
    one INSERT for the rest, their e-mails queued once the transaction commits. Each item holds
    ``notify()``'s arguments. Returns how many were stored.

    If another process stored one of the same events meanwhile (the unique ``event_key``), the
    batch falls back to ``notify()`` one by one, which skips what is already there.
    """
    keys = [item["event_key"] for item in items if item.get("event_key")]
    told = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    rows = [_rendered(**item) for item in items if item.get("event_key") not in told]
    if not rows:
        return 0
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # a concurrent run told some of these first
        return sum(1 for item in items if notify(**item) is not None)
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return len(created)


def notify_address(
    *, email: str, language: str, kind: str, template: str, context: dict[str, Any], link: str = ""
) -> Notification:
    """Store an e-mail to someone who has no account yet (an invitation); queued on commit."""
    subject, body, html = render_message(
        template,
        {**context, "recipient": None, "link": link, "site_url": settings.SITE_URL},
        language,
    )
    notification = Notification.objects.create(
        to_email=email,
        kind=kind,
        subject=subject[:255],
        body=body,
        body_html=html,
        link=link,
        read_at=clock.real_now(),
    )
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


# After a failed publish, requests leave the broker alone this long: a paused Redis would
# otherwise make every request that notifies wait out the broker's timeouts.
BROKER_RETRY_AFTER = 10.0
_broker_down_until = 0.0


def enqueue(notification_id: int, *, wait_out_failures: bool = True) -> bool:
    """Queue the delivery task; if the broker is unreachable, leave it to the sweeper.

    After a failure, calls leave the broker alone for ``BROKER_RETRY_AFTER`` seconds; the sweeper
    (``wait_out_failures=False``) always tries.
    """
    global _broker_down_until

    if wait_out_failures and time.monotonic() < _broker_down_until:
        return False  # the row stays undelivered and the sweeper queues it
    try:
        deliver_notification_task.apply_async((notification_id,), retry=False)
        _broker_down_until = 0.0
    except Exception:  # the broker is down: the row stays undelivered and is swept later
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        log.warning("broker unreachable; notification %s left for the sweeper", notification_id)
        return False
    return True


def deliver(notification_id: int) -> bool:
    """Send the e-mail of one notification unless it was sent or is being sent.

    Returns True when this call sent it. A sending error releases the claim and is re-raised,
    so the task retries; a webhook's last allowed attempt (``WEBHOOK_MAX_ATTEMPTS``) that fails
    leaves it failed for good and is not re-raised, and one that failed for good is not tried.
    """
    now = clock.real_now()
    claimed = Notification.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
        ~_webhook_failed_for_good(),
        pk=notification_id,
        email_sent_at__isnull=True,
    ).update(email_claimed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "employer").get(
        pk=notification_id
    )
    if notification.channel == Notification.Channel.WEBHOOK:
        return _deliver_webhook(notification)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=[notification.address],
        headers={"X-Portal-Notification": str(notification.pk)},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    # Open the connection ourselves so that the row is marked sent as soon as the server has
    # accepted the message, before the QUIT round trip: a worker that dies while closing the
    # connection must not leave a sent e-mail looking unsent (it would go out twice).
    connection = get_connection()
    try:
        connection.open()
        message.connection = connection
        message.send()
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(
            email_claimed_at=None,
            email_attempts=notification.email_attempts + 1,
            email_error=str(error)[:2000],
        )
        _close_quietly(connection)
        raise
    _mark_sent(notification_id, notification.email_attempts + 1)
    _close_quietly(connection)
    return True


def retry_delay(retries: int) -> int:
    """Seconds to wait before the next attempt after ``retries`` retries: doubling, at most 1 h."""
    return int(min(settings.NOTIFICATION_RETRY_SECONDS * 2**retries, 3600))


def _deliver_webhook(notification: Notification) -> bool:
    """POST one claimed webhook event to its organisation (see ``webhooks``)."""
    employer = notification.employer
    attempts = notification.email_attempts + 1
    if employer is None or not employer.webhook_url or employer.status != "verified":
        # The organisation removed its webhook (or lost its verification) meanwhile.
        Notification.objects.filter(pk=notification.pk).update(
            email_sent_at=clock.real_now(), email_error="not sent: no webhook address any more"
        )
        return False
    try:
        status = webhooks.post(
            url=employer.webhook_url,
            secret=employer.webhook_secret,
            event_id=json.loads(notification.body)["id"],
            timestamp=str(int(clock.real_now().timestamp())),
            body=notification.body.encode(),
        )
    except Exception as error:  # any failure is a failed attempt: the claim is never left held
        last = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            email_claimed_at=None,
            email_attempts=attempts,
            email_error=(str(error) or type(error).__name__)[:2000],
            response_status=getattr(error, "status", None),
            next_attempt_at=None
            if last
            else clock.real_now() + timedelta(seconds=retry_delay(attempts - 1)),
        )
        if last:  # failed for good: no retry (the page says so, the sweeper leaves it)
            log.warning("webhook event %s failed %s times: given up", notification.pk, attempts)
            return False
        raise
    _mark_sent(notification.pk, attempts, response_status=status)
    return True


def _mark_sent(notification_id: int, attempts: int, **fields: Any) -> None:
    """Record that the mail server accepted the e-mail. The claim has expired for nobody yet,
    so this must not be lost to a dropped database connection: the sweeper would send the
    e-mail again once the claim times out. Retried on a fresh connection."""
    sent_at = clock.real_now()
    for attempt in range(MARK_SENT_TRIES):
        try:
            Notification.objects.filter(pk=notification_id).update(
                email_sent_at=sent_at, email_attempts=attempts, email_error="", **fields
            )
            return
        except DatabaseError:
            log.warning("could not record notification %s as sent; retrying", notification_id)
            db_connection.close()  # the next query opens a new connection
            if attempt + 1 == MARK_SENT_TRIES:
                raise
            time.sleep(0.5 * (attempt + 1))


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the message is already accepted (or failed); closing is best effort
        log.warning("could not close the mail connection cleanly", exc_info=True)


def _webhook_failed_for_good() -> Q:
    return Q(
        channel=Notification.Channel.WEBHOOK, email_attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS
    )


def undelivered(older_than: timedelta = timedelta(seconds=30)):
    """Notifications whose e-mail (or webhook) has not gone, that no live worker holds, and
    whose back-off after a failure is over; webhooks that failed ``WEBHOOK_MAX_ATTEMPTS`` times
    are left as failed."""
    now = clock.real_now()
    return Notification.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        ~_webhook_failed_for_good(),
        email_sent_at__isnull=True,
        created_at__lt=now - older_than,
    )


def sweep(older_than: timedelta = timedelta(seconds=30)) -> int:
    """Queue delivery again for every undelivered notification; return how many were queued."""
    count = 0
    for pk in undelivered(older_than).values_list("pk", flat=True).iterator():
        if not enqueue(pk, wait_out_failures=False):
            break
        count += 1
    return count


# --- Retention of webhook events ---------------------------------------------------------------

# Kept at least this long whatever WEBHOOK_RETENTION_DAYS says: longer than any event may be
# announced again (``arrivals.reminders`` announces an overdue registration for 30 days after
# its deadline), so a removed event's key is never needed to keep it from going out twice.
MIN_WEBHOOK_RETENTION_DAYS = 45


def webhook_retention_cutoff() -> datetime:
    days = max(settings.WEBHOOK_RETENTION_DAYS, MIN_WEBHOOK_RETENTION_DAYS)
    return clock.real_now() - timedelta(days=days)


def webhook_expired() -> Q:
    """Webhook events past their retention: delivered (or dropped) before the cutoff, or failed
    for good (``WEBHOOK_MAX_ATTEMPTS``) and made before it. Waiting and retried ones stay."""
    cutoff = webhook_retention_cutoff()
    return Q(channel=Notification.Channel.WEBHOOK) & (
        Q(email_sent_at__lt=cutoff)
        | Q(
            email_sent_at__isnull=True,
            email_attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS,
            created_at__lt=cutoff,
        )
    )


def purge_webhook_events() -> int:
    """Remove the webhook events past their retention (their body, HTTP status and error go
    with them); return how many. E-mails (the inbox) are not touched."""
    deleted, _ = Notification.objects.filter(webhook_expired()).delete()
    return deleted


def unread_count(user: User) -> int:
    """How many of the user's notifications are not read yet (shown beside the Inbox link on
    every page): ``Notification.objects.filter(recipient=user, read_at__isnull=True).count()``
    as a fixed statement (``portal.core.statements``); ``tests/portal/test_statements.py``."""
    row = _UNREAD.one([user.pk])
    return int(row[0]) if row else 0


_UNREAD = Statement(
    "SELECT COUNT(*) FROM {n} WHERE {n.recipient} = %s AND {n.read_at} IS NULL", n=Notification
)


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or those listed) as read."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=clock.real_now())


# E-mails are retried this many times (webhooks: ``WEBHOOK_MAX_ATTEMPTS`` attempts in all).
MAIL_MAX_RETRIES = 12


def max_retries(notification_id: int) -> int:
    """How many retries the delivery task may make for this notification."""
    try:
        channel = (
            Notification.objects.filter(pk=notification_id)
            .values_list("channel", flat=True)
            .first()
        )
    except DatabaseError:  # the database is what failed: retry as for an e-mail
        return MAIL_MAX_RETRIES
    if channel == Notification.Channel.WEBHOOK:
        return max(settings.WEBHOOK_MAX_ATTEMPTS - 1, 0)
    return MAIL_MAX_RETRIES


# The task lives beside what it runs, so this module needs nothing from ``tasks`` (its name is
# kept: messages already queued under it are still understood).
@shared_task(
    bind=True,
    max_retries=MAIL_MAX_RETRIES,
    acks_late=True,
    soft_time_limit=TASK_SOFT_TIME_LIMIT,
    time_limit=TASK_TIME_LIMIT,
    name="portal.tasks.deliver_notification_task",
)
def deliver_notification_task(self: Any, notification_id: int) -> bool:
    """Send one notification's e-mail (or webhook); on failure retry with growing delays (up to
    ~3 h with the default ``NOTIFICATION_RETRY_SECONDS`` of 30), a webhook as many times as
    ``WEBHOOK_MAX_ATTEMPTS`` allows (``deliver`` stops at that count too, whoever queued it).
    Run in-process (no broker), it tries once and leaves the rest to the sweeper."""
    try:
        return deliver(notification_id)
    except Exception as error:
        if self.request.is_eager:
            # In-process (no broker, the embedded default): one attempt, in the request that
            # caused it; the failure is recorded and the sweeper tries again later, never a
            # chain of retries (each up to the webhook deadline) holding the request.
            log.warning("delivery of notification %s failed: %s", notification_id, error)
            return False
        raise self.retry(
            exc=error,
            countdown=retry_delay(self.request.retries),
            max_retries=max_retries(notification_id),
        ) from error
