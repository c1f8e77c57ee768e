"""The staff page that imports a units file: all rows or none, within the admin's scope."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan.organisations.models import Unit


def upload(client, text: str, name="units.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("organisations:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_ward_admin_imports_hamlets_under_own_ward(tree, admin_b, client_for):
    text = (
        "key,parent_key,name,kind\n"
        f"b-h2,{tree.b.commune.key},Tổ dân phố số 2,hamlet\n"
        f"b-h3,{tree.b.commune.key},Tổ dân phố số 3,hamlet\n"
    )
    response = upload(client_for(admin_b), text)
    assert response.status_code == 302
    assert Unit.objects.filter(parent=tree.b.commune, key__in=["b-h2", "b-h3"]).count() == 2


def test_one_bad_row_writes_nothing_and_lists_the_row(tree, admin_b, client_for):
    text = (
        "key,parent_key,name,kind\n"
        f"b-h2,{tree.b.commune.key},Tổ dân phố số 2,hamlet\n"
        f"b-h3,{tree.b.commune.key},Tổ dân phố số 3,not-a-kind\n"
    )
    response = upload(client_for(admin_b), text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "b-h3" in page and "not-a-kind" in page
    assert not Unit.objects.filter(key__in=["b-h2", "b-h3"]).exists()


def test_rows_under_another_ward_are_refused(tree, admin_b, client_for):
    text = f"key,parent_key,name,kind\nb-x,{tree.a.commune.key},Thôn lấn sân,hamlet\n"
    response = upload(client_for(admin_b), text)
    assert response.status_code == 200
    assert not Unit.objects.filter(key="b-x").exists()


def test_a_binary_file_is_refused(tree, admin_b, client_for):
    response = upload(client_for(admin_b), b"PK\x03\x04\x00\x00binary", name="units.csv")
    assert response.status_code == 200
    assert (
        not Unit.objects.filter(parent=tree.b.commune, kind="hamlet")
        .exclude(pk=tree.b.hamlet.pk)
        .exists()
    )


def test_a_clerk_cannot_import(tree, clerk_b, client_for):
    response = upload(client_for(clerk_b), "key,parent_key,name,kind\n")
    assert response.status_code == 403
