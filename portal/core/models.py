"""What the project's processes share: the worker heartbeat read by the health check."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (used by the health check)."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    class Meta:
        db_table = "portal_heartbeat"  # the table it had when it lived in the ``portal`` app

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
