"""Every permit gets its verification codes when it is issued, whoever issues it (the workflow's
approval, the demo, a test): the permit's PDF is a download, and a GET may not write them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from permits.models import Permit

from .services import permit_document


@receiver(post_save, sender=Permit, dispatch_uid="verification.permit_codes")
def permit_codes(sender: Any, instance: Permit, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        permit_document(instance)
