"""Static files: always collected with a manifest, served by plain names until one exists.

`collectstatic` writes hashed, compressed copies and their manifest whatever DEBUG is, so a
site collected during development can be served with DEBUG=0 as it is. Until a manifest has
been collected (a fresh checkout, the tests), each file is served under its own name; a file
added since the last collection is too (with a warning), rather than the page failing with
"Missing staticfiles manifest entry".
"""

import logging

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if not self.hashed_files and not force:
            return FileSystemStorage.url(self, name)
        try:
            return super().url(name, force=force)
        except ValueError:
            logger.warning("Static file %s is not collected: run collectstatic.", name)
            return FileSystemStorage.url(self, name)
