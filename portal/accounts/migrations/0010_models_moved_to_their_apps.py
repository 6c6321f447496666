"""Sponsorships and invitations, the notification outbox and the heartbeat now belong to the
apps ``organisations``, ``notifications`` and ``core``: removed from this app's state only. Their
tables, rows and foreign keys stay as they are (the new apps' first migrations take them over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_emails_in_one_form"),
        ("core", "0001_initial"),
        ("notifications", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ColleagueInvitation"),
                migrations.DeleteModel(name="Sponsorship"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="Heartbeat"),
            ],
        ),
    ]
