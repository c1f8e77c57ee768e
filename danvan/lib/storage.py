"""Uploaded files on a disk that may fill up: a file that could not be written whole is
removed, and the error says so (StorageFull), so that the request that brought it can tell
the user and its transaction roll back the rows that would have pointed at it."""

import errno
import logging
import os

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)

NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class StorageFull(Exception):
    """The disk of the uploaded files has no room left for this one."""


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in NO_SPACE:
                raise
            path = self.path(name)
            try:
                os.remove(path)  # the part that was written
            except FileNotFoundError:
                pass
            logger.error("No space left for the upload %s: %s", name, exc)
            raise StorageFull(name) from exc
