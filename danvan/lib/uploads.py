"""Check uploaded files by their content, not by the name they arrive with."""

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# kind → (content type, accepted extensions)
KINDS = {
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "pdf": ("application/pdf", {".pdf"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {".xlsx"},
    ),
}


def sniff(upload) -> str | None:
    """Return the kind of file the bytes say it is, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(upload, *, allowed: set[str], max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Return the content type of an upload whose bytes match its extension, else refuse."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)d MB.")
            % {"name": upload.name, "size": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    kind = sniff(upload)
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None or kind not in allowed or extension not in KINDS[kind][1]:
        raise ValidationError(
            _(
                "“%(name)s” is not a file of an accepted kind (%(kinds)s), or its content does not "
                "match its extension."
            )
            % {"name": upload.name, "kinds": ", ".join(sorted(k.upper() for k in allowed))},
            code="bad_type",
        )
    return KINDS[kind][0]
