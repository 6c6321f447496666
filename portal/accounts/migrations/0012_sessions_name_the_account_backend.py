"""Live sessions named ``django.contrib.auth.backends.ModelBackend`` as the backend that signed
their person in; it is now ``portal.accounts.auth.AccountBackend`` (the same checks, its reads
as statements). Django signs out a session whose backend is not in ``AUTHENTICATION_BACKENDS``,
so the live sessions are renamed here and nobody is signed out by the change."""

from django.db import migrations

FORMER = "django.contrib.auth.backends.ModelBackend"
CURRENT = "portal.accounts.auth.AccountBackend"
KEY = "_auth_user_backend"


def _rename(apps, schema_editor, old: str, new: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.core import signing
    from django.utils import timezone

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    rows = Session.objects.using(schema_editor.connection.alias).filter(
        expire_date__gt=timezone.now()
    )
    changed = []
    for session in rows.iterator(chunk_size=2000):
        try:  # SessionStore.decode, without a warning for each session of another SECRET_KEY
            data = signing.loads(
                session.session_data, salt=store.key_salt, serializer=store.serializer
            )
        except Exception:  # noqa: BLE001 - a session Django could not read either
            continue
        if data.get(KEY) == old:
            data[KEY] = new
            session.session_data = store.encode(data)
            changed.append(session)
    Session.objects.using(schema_editor.connection.alias).bulk_update(
        changed, ["session_data"], batch_size=2000
    )


def forward(apps, schema_editor):
    _rename(apps, schema_editor, FORMER, CURRENT)


def backward(apps, schema_editor):
    _rename(apps, schema_editor, CURRENT, FORMER)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0011_employer_webhook"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
