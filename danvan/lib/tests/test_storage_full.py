"""A disk with no room for an upload: nothing half-written (portal/tests/test_storage_full.py
follows a citizen's form through it)."""

import errno

import pytest
from django.core.files.base import ContentFile

from danvan.lib.storage import SafeFileSystemStorage, StorageFull


class FillingUp(ContentFile):
    """Writes its first chunk, then the disk is full."""

    def chunks(self, chunk_size=None):
        yield b"x" * 1024
        raise OSError(errno.ENOSPC, "No space left on device")


class Broken(ContentFile):
    def chunks(self, chunk_size=None):
        raise OSError(errno.EIO, "Input/output error")
        yield b""


def test_the_part_written_is_removed(tmp_path):
    storage = SafeFileSystemStorage(location=tmp_path)
    with pytest.raises(StorageFull):
        storage.save("cases/anh.png", FillingUp(b"", name="anh.png"))
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    # Other errors are not taken for a full disk.
    with pytest.raises(OSError) as raised:
        storage.save("cases/b.png", Broken(b"", name="b.png"))
    assert raised.value.errno == errno.EIO and not isinstance(raised.value, StorageFull)
