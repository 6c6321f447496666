"""What an uploaded file may be, for an application's documents and an organisation's
registration certificate: PDF, JPEG or PNG judged by content, at most 10 MB."""

from __future__ import annotations

import re
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
]
_SAFE_NAME = re.compile(r"^[\w][\w .()+,-]{0,150}$", re.UNICODE)


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, if it is one we accept."""
    for magic, content_type, _suffixes in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def _suffixes(content_type: str) -> tuple[str, ...]:
    for _magic, known, suffixes in SIGNATURES:
        if known == content_type:
            return suffixes
    return ()


def suffix_for(content_type: str) -> str:
    """The extension a file of this (sniffed) content type is stored and served with."""
    return next(iter(_suffixes(content_type)), "")


def download_name(name: str, content_type: str) -> str:
    """The person's file name with the extension of what the file really is.

    ``invoice.exe`` holding a PDF is ``invoice.pdf``; ``scan.png`` holding a JPEG is
    ``scan.jpg``; ``photo.jpeg`` holding a JPEG stays as it is.
    """
    path = PurePath(PurePath(name or "").name)
    accepted = _suffixes(content_type)
    if not path.stem:
        path = PurePath("document" + path.suffix)
    if not accepted or path.suffix.lower() in accepted:
        return path.name
    return path.stem + accepted[0]


def validate_upload(upload: UploadedFile) -> str:
    """Check an uploaded file and return its real content type; raise ValidationError if not ok."""
    name = upload.name or ""
    if not _SAFE_NAME.match(name) or ".." in name:
        raise ValidationError(
            _(
                "The file name may contain only letters, digits, spaces and . - _ ( ) + , "
                "characters. Rename the file and upload it again."
            ),
            code="bad_name",
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "The file is %(size)s MB; the limit is 10 MB. Scan at a lower resolution or "
                "split the document."
            )
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _(
                "This file is not a PDF, JPEG or PNG document (whatever its name says). "
                "Upload a PDF, JPEG or PNG file."
            ),
            code="bad_type",
        )
    return content_type
