"""What an uploaded file may be, for an application's documents and an organisation's
registration certificate: PDF, JPEG or PNG judged by content, at most 10 MB.

Any file name a person's computer gives is accepted: apostrophes, brackets, emoji, and the
decomposed letters macOS writes ("й" as "и" plus a combining breve). The file is stored under
a random name (the models' ``upload_to``); the name shown and offered on download is
``download_name``: composed (NFC), without control or invisible characters nor the characters
Windows refuses in a name, at most ``MAX_NAME_CHARS`` long, with the extension of the content.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 150
# Not allowed in a Windows file name; "/" and "\\" would also make a path.
_RESERVED = frozenset('<>:"/\\|?*')
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
]


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


def safe_name(name: str) -> str:
    """``name`` made safe to show and to offer as a download name on any system.

    The last part of a path, composed (NFC); control and invisible characters (a right-to-left
    override that makes ``fdp.exe`` look like ``exe.pdf``, say) removed; the characters Windows
    refuses replaced by ``_``; spaces collapsed; no leading dot (a hidden file) nor trailing dot
    or space; shortened to ``MAX_NAME_CHARS`` keeping the extension. Empty: ``document``.
    """
    text = unicodedata.normalize("NFC", (name or "").replace("\\", "/")).rsplit("/", 1)[-1]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in _RESERVED:
            kept.append("_")
        elif category in ("Zs", "Zl", "Zp") or char in "\t\n\r":
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(char)
    text = " ".join("".join(kept).split()).lstrip(". ").rstrip(". ")
    path = PurePath(text or "document")
    stem, suffix = path.stem, path.suffix
    if len(suffix) > 10 or not stem:
        stem, suffix = path.name, ""
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(". ")
    return stem + suffix


def download_name(name: str, content_type: str) -> str:
    """The person's file name, made safe (``safe_name``), with the extension of what the file
    really is.

    ``invoice.exe`` holding a PDF is ``invoice.pdf``; ``scan.png`` holding a JPEG is
    ``scan.jpg``; ``photo.jpeg`` holding a JPEG stays as it is.
    """
    path = PurePath(safe_name(name))
    accepted = _suffixes(content_type)
    if not accepted or path.suffix.lower() in accepted:
        return path.name
    return safe_name(path.stem + accepted[0])


def megabytes(size: int) -> str:
    """``size`` bytes in MB with one decimal in the reader's number format, rounded up: a file
    over the limit never reads as the limit ("10.1", not "10.0", for 10 MB and a byte)."""
    return number_format(math.ceil(size * 10 / (1024 * 1024)) / 10, decimal_pos=1)


def validate_upload(upload: UploadedFile) -> str:
    """Check an uploaded file and return its real content type; raise ValidationError if not ok."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "The file is %(size)s MB; the limit is 10 MB. Scan at a lower resolution or "
                "split the document."
            )
            % {"size": megabytes(upload.size)},
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
