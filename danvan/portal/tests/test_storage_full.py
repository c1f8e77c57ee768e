"""A disk with no room for a citizen's photo: a clear message, no case saved."""

import errno
import os

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.portal.tests.test_feedback import PNG, SEND, form_data
from danvan.voice.models import Case, CaseAttachment


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
