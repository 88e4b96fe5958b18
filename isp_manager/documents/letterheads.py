"""Organisations' letterhead templates: a Word .docx per organisation, kept in the database
(stored_files, kind "letterhead") so every server has it, used as the base of the letters the
service writes on the organisation's behalf.

An upload is checked to be a real Word document (a .docx package python-docx opens, without
macros, of sensible size) before it replaces the previous one.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document

from ..audit.services import record_event
from ..errors import InvalidInput, PermissionDenied
from ..i18n import gettext as _
from ..storage.models import StoredFile
from ..storage.services import remove_file, store_file, stored_file

KIND = "letterhead"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAIN_PART = "word/document.xml"
MACRO_CONTENT_TYPE = "macroEnabled"


def can_manage_letterhead(user, org) -> bool:
    """An organisation's IG lead, or an administrator."""
    from ..accounts.models import Role

    if user.is_admin:
        return True
    return user.role == Role.IG_LEAD and user.organisation_id == org.id


def current_letterhead(org) -> StoredFile | None:
    """The organisation's uploaded letterhead (who uploaded it, when), if there is one."""
    return stored_file(org, KIND)


def letterhead_template(org) -> io.BytesIO | None:
    """The organisation's letterhead .docx to build a letter on, if one was uploaded."""
    found = current_letterhead(org)
    return io.BytesIO(found.content) if found is not None else None


def docx_problem(filename: str, data: bytes) -> str | None:
    """Why the upload is not a usable Word template, or None."""
    if not filename.lower().endswith(".docx"):
        return _("Choose a Word document that ends in .docx.")
    if not data:
        return _("The file you chose is empty. Choose the letterhead .docx file.")
    if len(data) > MAX_BYTES:
        return _("The file must be smaller than 2 MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return _("The file is not a Word document. Save the letterhead as .docx and try again.")
    if MAIN_PART not in names or "wordprocessingml" not in types:
        return _("The file is not a Word document. Save the letterhead as .docx and try again.")
    if MACRO_CONTENT_TYPE in types or "word/vbaProject.bin" in names:
        return _("The file contains macros. Save the letterhead as a .docx without macros.")
    if unpacked > MAX_UNPACKED_BYTES:
        return _("The file is too large once unpacked. Remove large images and try again.")
    try:
        Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a broken package
        return _("The Word document could not be read. Open it in Word, save it again and retry.")
    return None


def save_letterhead(org, filename: str, data: bytes, *, by) -> StoredFile:
    """Check the upload and make it the organisation's letterhead (replacing any before)."""
    if not can_manage_letterhead(by, org):
        raise PermissionDenied(
            _("Only the organisation's IG lead or an administrator can do this.")
        )
    problem = docx_problem(filename or "", data)
    if problem:
        raise InvalidInput(problem, field="letterhead")
    before = current_letterhead(org)
    before_fields = (
        {"filename": before.filename, "bytes": before.size, "sha256": before.sha256}
        if before is not None
        else None
    )
    saved = store_file(
        org, KIND, filename=filename, content_type=DOCX_CONTENT_TYPE, data=data, by=by
    )
    record_event(
        "organisation.letterhead_uploaded",
        org,
        by=by,
        before=before_fields,
        after={"filename": saved.filename, "bytes": saved.size, "sha256": saved.sha256},
    )
    return saved


def remove_letterhead(org, *, by) -> None:
    if not can_manage_letterhead(by, org):
        raise PermissionDenied(
            _("Only the organisation's IG lead or an administrator can do this.")
        )
    removed = remove_file(org, KIND)
    if removed is not None:
        record_event(
            "organisation.letterhead_removed",
            org,
            by=by,
            before={"filename": removed.filename, "bytes": removed.size},
        )
