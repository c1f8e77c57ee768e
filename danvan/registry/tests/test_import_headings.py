"""The import headings table (edited by city administrators, audited) and the remembered
column mappings, as the registry's import uses them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan.core.models import AuditEntry, ColumnSynonym, Job
from danvan.core.services import save_column_synonym
from danvan.registry import transfer

ADD = "/admin/core/columnsynonym/add/"


def test_the_registry_headings_are_seeded_in_the_offices_words(db):
    seeded = dict(
        ColumnSynonym.objects.filter(register="registry").values_list("heading", "column")
    )
    assert seeded["Cơ quan, đơn vị"] == "unit"
    assert seeded["Tên mô hình, điển hình"] == "name"
    assert seeded["STT"] == seeded["Ghi chú"] == "ignore"


def test_a_city_administrator_adds_a_heading_and_it_is_audited(tree, city_admin, admin_staff):
    response = admin_staff(city_admin).post(
        ADD, {"register": "registry", "column": "unit", "heading": "Nơi thực hiện"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    synonym = ColumnSynonym.objects.get(heading="Nơi thực hiện")
    assert synonym.key == "hien noi thuc"
    assert AuditEntry.objects.filter(action="import.synonym_save", actor=city_admin).exists()


def test_a_heading_known_already_is_refused(tree, city_admin, admin_staff):
    response = admin_staff(city_admin).post(
        ADD, {"register": "registry", "column": "name", "heading": "CƠ QUAN - ĐƠN VỊ"}
    )
    assert response.status_code == 200
    assert "already known" in response.content.decode()


def test_a_column_the_register_lacks_is_refused(tree, city_admin, admin_staff):
    response = admin_staff(city_admin).post(
        ADD, {"register": "registry", "column": "salary", "heading": "Lương"}
    )
    assert response.status_code == 200
    assert not ColumnSynonym.objects.filter(heading="Lương").exists()


def test_a_ward_administrator_cannot_edit_the_headings(tree, admin_b, admin_staff):
    client = admin_staff(admin_b)
    assert client.get("/admin/core/columnsynonym/").status_code == 403
    response = client.post(ADD, {"register": "registry", "column": "unit", "heading": "Nơi"})
    assert response.status_code == 403
    assert not ColumnSynonym.objects.filter(heading="Nơi").exists()


@pytest.mark.parametrize("url", ["/admin/core/columnsynonym/", "/admin/core/columnmapping/"])
def test_a_clerk_cannot_open_the_import_tables(tree, clerk_a, admin_staff, url):
    assert admin_staff(clerk_a).get(url).status_code == 403


def test_a_heading_added_to_the_table_is_used_by_the_next_import(tree, clerk_a, client_for):
    save_column_synonym(
        actor=None,
        synonym=ColumnSynonym(register="registry", column="unit", heading="Nơi thực hiện"),
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Tên mô hình", "Nơi thực hiện", "Lĩnh vực", "Năm"])
    sheet.append(["Mô hình A", "Phường Ba Đình", "Kinh tế", 2015])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client_for(clerk_a).post(
        reverse("registry:import"), {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())}
    )
    job = Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert not job.result.get("needs_mapping") and job.result["valid"] == 1
    assert ["Nơi thực hiện", str(transfer.COLUMNS["unit"][0])] in job.result["mapped"]
