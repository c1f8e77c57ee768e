"""A disk with no room for an upload: nothing half-written, a clear message, no case saved."""

import errno
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.lib.storage import SafeFileSystemStorage, StorageFull
from danvan.portal.tests.test_feedback import PNG, SEND, form_data
from danvan.voice.models import Case, CaseAttachment


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


def test_a_citizen_is_told_and_no_case_is_kept(client, tree, monkeypatch):
    def no_room(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as half:
            half.write(b"\x89PNG")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", no_room)
    photo = SimpleUploadedFile("rac.png", PNG, content_type="image/png")

    response = client.post(SEND, form_data(tree, files=[photo]))

    assert response.status_code == 507
    assert "hết chỗ lưu tệp" in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()
