"""Attachments are checked by their bytes: photos, PDF and Word files up to 10 MB."""

import importlib
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import clear_url_caches, reverse

import danvan.urls
from danvan.lib.uploads import MAX_UPLOAD_BYTES
from danvan.registry.models import Attachment
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def model(tree, clerk_a):
    return PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet)


def attach(client, model, name, content):
    return client.post(reverse("registry:attach", args=[model.pk]), {"file": upload(name, content)})


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("anh-ra-mat.png", png_bytes(), "image/png"),
        ("bien-ban.pdf", pdf_bytes(), "application/pdf"),
        ("bao-cao.docx", docx_bytes(), DOCX_TYPE),
    ],
    ids=["png", "pdf", "docx"],
)
def test_clerk_attaches_a_photo_pdf_or_word_file(
    model, clerk_a, client_for, media_root, name, content, content_type
):
    response = attach(client_for(clerk_a), model, name, content)

    assert response.status_code == 302
    attachment = Attachment.objects.get(model=model)
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by == clerk_a
    [stored] = stored_files(media_root)
    assert stored.read_bytes() == content
    page = client_for(clerk_a).get(reverse("registry:detail", args=[model.pk]))
    assert name in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", png_bytes()),
        ("anh.png", pdf_bytes()),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("bien-ban.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("ghi-chu.txt", "Ghi chú buổi ra mắt".encode()),
        ("bien-ban.pdf", "Không phải PDF".encode()),
        ("bao-cao.docx", b"PK\x03\x04not really a zip"),
        ("khong-duoi", png_bytes()),
    ],
    ids=[
        "png-named-pdf",
        "pdf-named-png",
        "exe",
        "exe-named-pdf",
        "text",
        "text-named-pdf",
        "broken-zip-named-docx",
        "no-extension",
    ],
)
def test_file_whose_bytes_do_not_match_an_accepted_kind_is_refused(
    model, clerk_a, client_for, media_root, name, content
):
    response = attach(client_for(clerk_a), model, name, content)

    assert response.status_code == 302
    [(level, message)] = messages_of(response)
    assert level == "error"
    assert name in message
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_file_over_ten_megabytes_is_refused(model, clerk_a, client_for, media_root):
    too_big = png_bytes() + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(png_bytes()))

    response = attach(client_for(clerk_a), model, "anh-lon.png", too_big)

    [(level, message)] = messages_of(response)
    assert level == "error"
    assert "anh-lon.png" in message
    assert "10 MB" in message
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_file_of_exactly_ten_megabytes_is_accepted(model, clerk_a, client_for):
    just_fits = png_bytes() + b"\x00" * (MAX_UPLOAD_BYTES - len(png_bytes()))

    attach(client_for(clerk_a), model, "anh-vua.png", just_fits)

    assert Attachment.objects.get().size == MAX_UPLOAD_BYTES


def test_viewer_cannot_attach(model, viewer_a, client_for, media_root):
    response = attach(client_for(viewer_a), model, "anh.png", png_bytes())

    assert response.status_code == 404
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def download_url(page: str, name: str) -> str:
    [href] = re.findall(rf'<a href="([^"]+)">{re.escape(name)}</a>', page)
    return href


def content_of(response) -> bytes:
    return b"".join(response.streaming_content if response.streaming else [response.content])


def test_attachment_is_downloaded_through_a_view_that_checks_scope(
    model, clerk_a, clerk_b, viewer_a, client_for
):
    attach(client_for(clerk_a), model, "bien-ban.pdf", pdf_bytes())
    page = client_for(clerk_a).get(reverse("registry:detail", args=[model.pk])).content.decode()
    href = download_url(page, "bien-ban.pdf")
    attachment = Attachment.objects.get()
    assert href == reverse("registry:attachment", args=[model.pk, attachment.pk])

    response = client_for(clerk_a).get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="bien-ban.pdf"' in response["Content-Disposition"]
    assert content_of(response) == pdf_bytes()
    assert client_for(viewer_a).get(href).status_code == 200
    assert client_for(clerk_b).get(href).status_code == 404


def test_photo_is_shown_inline(model, clerk_a, client_for):
    attach(client_for(clerk_a), model, "anh-ra-mat.png", png_bytes())
    attachment = Attachment.objects.get()

    response = client_for(clerk_a).get(
        reverse("registry:attachment", args=[model.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert content_of(response) == png_bytes()


def test_attachment_of_another_model_is_not_found(tree, model, clerk_a, client_for):
    other = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    attach(client_for(clerk_a), model, "bien-ban.pdf", pdf_bytes())
    attachment = Attachment.objects.get()

    url = reverse("registry:attachment", args=[other.pk, attachment.pk])
    assert client_for(clerk_a).get(url).status_code == 404


def test_anonymous_visitor_cannot_download_an_attachment(model, clerk_a, client_for, client):
    attach(client_for(clerk_a), model, "bien-ban.pdf", pdf_bytes())
    url = reverse("registry:attachment", args=[model.pk, Attachment.objects.get().pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def urls_as_built(request, settings):
    """The root URLconf as imported with DEBUG off and on (it used to add MEDIA_URL in DEBUG)."""
    settings.DEBUG = request.param
    importlib.reload(danvan.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(danvan.urls)
    clear_url_caches()


def test_uploaded_files_are_not_served_from_media_url(model, clerk_a, client_for, urls_as_built):
    attach(client_for(clerk_a), model, "bien-ban.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    url = "/" + (settings.MEDIA_URL + attachment.file.name).lstrip("/")

    assert client_for(clerk_a).get(url).status_code == 404
