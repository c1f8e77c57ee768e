"""Excel import (preview, valid rows or nothing, no duplicates, legacy encodings) and export."""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl.worksheet.worksheet import Worksheet

from danvan.core.models import AuditEntry, Job
from danvan.lib.legacy_encodings import encode
from danvan.registry import services, transfer
from danvan.registry.models import (
    Field,
    ModelYearStat,
    PracticeModel,
    RecognitionLevel,
    Status,
    StatusChange,
)
from danvan.registry.queries import totals

HEADERS = [
    "Mã mô hình",
    "TÊN MÔ HÌNH",
    "Đơn vị",
    "Năm",
    "Lĩnh vực",
    "Cấp công nhận",
    "Ngày công nhận",
]


def sheet(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(tree, n=3):
    return [
        [f"BD-{i}", f"Tổ tự quản số {i}", "Phường Ba Đình", 2020 + i % 5, "Kinh tế", "", None]
        for i in range(n)
    ]


def upload(client, content: bytes, name="models.xlsx"):
    return client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile(name, content)}, follow=False
    )


def preview(client, content):
    response = upload(client, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def confirm(client, job, action="import"):
    response = client.post(reverse("registry:import_review", args=[job.token]), {"action": action})
    assert response.status_code == 302
    return response


def test_a_good_sheet_is_previewed_then_imported(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, sheet(good_rows(tree)))
    assert job.status == Job.Status.DONE
    assert job.result["valid"] == 3 and job.result["error_count"] == 0
    assert PracticeModel.objects.count() == 0  # the preview writes nothing
    page = client.get(reverse("registry:import_review", args=[job.token])).content.decode()
    assert "Nhập 3 dòng hợp lệ" in page or "Import the 3 valid rows" in page
    confirm(client, job)
    models = PracticeModel.objects.filter(unit=tree.a.commune)
    assert models.count() == 3
    assert set(models.values_list("external_id", flat=True)) == {"BD-0", "BD-1", "BD-2"}


def test_reimporting_the_same_sheet_does_not_duplicate(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    content = sheet(good_rows(tree))
    confirm(client, preview(client, content))
    again = preview(client, content)
    assert again.result["valid"] == 0 and again.result["skipped"] == 3
    confirm(client, again)
    assert PracticeModel.objects.count() == 3


def test_the_import_uses_the_rows_the_preview_parsed(tree, clerk_a, client_for, monkeypatch):
    client = client_for(clerk_a)
    rows = good_rows(tree, 4) + [["BD-X", "Dòng lỗi", "Phường Không Có", 2021, "Kinh tế", "", None]]
    job = preview(client, sheet(rows))
    assert job.result["valid"] == 4 and job.result["error_count"] == 1

    def not_again(*args, **kwargs):
        raise AssertionError("the sheet was parsed a second time")

    monkeypatch.setattr(transfer, "checked_rows", not_again)
    run = Job.objects.get(token=confirm(client, job)["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert run.status == Job.Status.DONE, run.message
    assert (run.result["created"], run.result["left_out"]) == (4, 1)
    assert not Path(f"{job.input_file.path}.{job.token}.rows.jsonl.gz").exists()  # spent
    assert set(PracticeModel.objects.values_list("external_id", flat=True)) == {
        "BD-0",
        "BD-1",
        "BD-2",
        "BD-3",
    }


def test_rows_imported_since_the_preview_are_skipped(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    content = sheet(good_rows(tree))
    first, second = preview(client, content), preview(client, content)
    confirm(client, first)
    run = Job.objects.get(token=confirm(client, second)["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert (run.result["created"], run.result["skipped"]) == (0, 3)
    assert PracticeModel.objects.count() == 3


def test_without_the_previews_rows_the_sheet_is_read_again(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, sheet(good_rows(tree)))
    Path(f"{job.input_file.path}.{job.token}.rows.jsonl.gz").unlink()
    confirm(client, job)
    assert PracticeModel.objects.count() == 3


def test_rows_without_a_code_are_matched_by_name_unit_and_year(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    rows = [["", "Đường hoa tự quản", "Phường Ba Đình", 2021, "Văn hóa - xã hội", "", None]]
    confirm(client, preview(client, sheet(rows)))
    again = preview(client, sheet(rows))
    assert again.result["skipped"] == 1
    assert PracticeModel.objects.get().field.code == "van-hoa-xa-hoi"


def test_bad_rows_are_listed_with_reasons_and_left_out(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    rows = good_rows(tree, 2) + [
        ["X-1", "", "Phường Ba Đình", 2021, "Kinh tế", "", None],
        ["X-2", "Mô hình lạ", "Phường Hà Đông", 2021, "Kinh tế", "", None],
        ["X-3", "Mô hình sai năm", "Phường Ba Đình", "năm ngoái", "Kinh tế", "", None],
        ["X-4", "Mô hình sai lĩnh vực", "Phường Ba Đình", 2021, "Thể thao", "", None],
        ["X-5", "Công nhận thiếu ngày", "Phường Ba Đình", 2021, "Kinh tế", "Cấp cơ sở", None],
        ["X-6", "Ngày sai", "Phường Ba Đình", 2021, "Kinh tế", "Cấp cơ sở", "31/02/2021"],
    ]
    job = preview(client, sheet(rows))
    assert job.result["valid"] == 2
    assert job.result["error_count"] == 6
    reasons = dict((number, reason) for number, reason in job.result["errors"])
    assert set(reasons) == {4, 5, 6, 7, 8, 9}
    assert "Phường Hà Đông" in reasons[5]  # another ward: unknown or outside the clerk's scope
    page = client.get(reverse("registry:import_review", args=[job.token])).content.decode()
    assert "Thể thao" in page  # the reason is shown next to its row
    confirm(client, job)
    assert PracticeModel.objects.count() == 2


def test_import_nothing_writes_nothing(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, sheet(good_rows(tree)))
    confirm(client, job, action="cancel")
    assert PracticeModel.objects.count() == 0


def test_recognised_rows_carry_their_level_and_date(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    rows = [
        [
            "R-1",
            "Camera an ninh",
            "Phường Ba Đình",
            2019,
            "Quốc phòng – an ninh",
            "Cấp cơ sở",
            "05/01/2020",
        ]
    ]
    confirm(client, preview(client, sheet(rows)))
    model = PracticeModel.objects.get()
    assert model.recognised_level.code == "co-so"
    assert model.recognised_on == datetime.date(2020, 1, 5)
    assert model.status == Status.RECOGNISED


def test_a_tcvn3_sheet_is_converted_to_unicode(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    headers = [encode(h, "tcvn3") for h in ["Tên mô hình", "Đơn vị", "Năm", "Lĩnh vực"]]
    rows = [
        [
            encode("Tiếng kẻng an ninh khu phố", "tcvn3"),
            "Phường Ba Đình",
            2018,
            encode("Kinh tế", "tcvn3"),
        ]
    ]
    job = preview(client, sheet(rows, headers))
    assert job.result["valid"] == 1, job.result
    confirm(client, job)
    assert PracticeModel.objects.get().name.lower() == "tiếng kẻng an ninh khu phố"


def test_headers_in_any_case_marks_and_order_are_recognised(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    headers = ["linh vuc", "NĂM", "mô hình tên", "đơn vị"]
    rows = [["Kinh tế", 2022, "Hiến đất mở đường", "Phường Ba Đình"]]
    job = preview(client, sheet(rows, headers))
    assert job.result["valid"] == 1


def test_a_sheet_missing_required_columns_stops_at_the_mapping_step(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, sheet([["Một"]], ["Tên mô hình"]))
    assert job.status == Job.Status.DONE and job.result["needs_mapping"]
    assert any("Đơn vị" in reason for reason in job.result["reasons"])
    assert PracticeModel.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4 not a workbook", b"PK\x03\x04 broken zip", b"plain text, not excel"],
)
def test_files_that_are_not_workbooks_are_refused(tree, clerk_a, client_for, content):
    response = upload(client_for(clerk_a), content)
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_a_zip_bomb_is_refused(tree, clerk_a, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                entry.write(chunk)
    response = upload(client_for(clerk_a), buffer.getvalue())
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_another_users_import_is_404(tree, clerk_a, clerk_b, client_for):
    job = preview(client_for(clerk_a), sheet(good_rows(tree)))
    client_b = client_for(clerk_b)
    assert client_b.get(reverse("registry:import_review", args=[job.token])).status_code == 404
    assert (
        client_b.post(
            reverse("registry:import_review", args=[job.token]), {"action": "import"}
        ).status_code
        == 404
    )
    assert client_b.get(reverse("job", args=[job.token])).status_code == 404


def test_the_template_downloads_as_a_workbook(tree, clerk_a, client_for):
    response = client_for(clerk_a).get(reverse("registry:import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headings = [c.value for c in workbook.worksheets[0][1]]
    assert len(headings) >= 10


def test_export_honours_filters_and_scope(tree, clerk_a, city_officer, client_for):
    client = client_for(clerk_a)
    rows = good_rows(tree, 4) + [
        ["BD-X", "Mô hình văn hóa", "Phường Ba Đình", 2024, "Văn hóa – xã hội", "", None]
    ]
    confirm(client, preview(client, sheet(rows)))
    field = PracticeModel.objects.get(external_id="BD-X").field
    response = client.post(reverse("registry:export"), {"field": field.pk})
    job = Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("job_download", args=[job.token]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Mô hình văn hóa"]
    assert (
        client_for(city_officer).get(reverse("job_download", args=[job.token])).status_code == 404
    )


def test_export_of_an_empty_selection_is_refused(tree, clerk_a, client_for):
    response = client_for(clerk_a).post(reverse("registry:export"), {"year": 2011})
    assert response.status_code == 302
    assert not Job.objects.filter(kind="registry.export").exists()


# The import's bulk writes: the registering rule on every unit, audited in each unit's scope

AUDIT_URL = reverse("accounts:audit")


def import_row(unit, name="Tổ tự quản", **extra):
    """A row as the import's check leaves it (see transfer), ready for the service."""
    row = {
        "external_id": "",
        "name": name,
        "unit": unit,
        "year": 2024,
        "field": Field.objects.get(code="kinh-te"),
        "kind": "collective",
        "situation": "",
        "goals": "",
        "content": "",
        "results": "",
        "start_date": None,
        "level": None,
        "recognised_on": None,
        "legacy_district_name": "",
    }
    row.update(extra)
    return row


def imports_seen_by(client) -> list:
    response = client.get(AUDIT_URL, {"action": "registry.import"})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.mark.parametrize("who", ["clerk_b", "viewer_a", "judge"])
def test_the_import_is_refused_on_a_unit_the_actor_may_not_register_for(
    request, tree, clerk_a, who
):
    """A clerk of another commune, a viewer and a judge of the city register nothing in A."""
    actor = request.getfixturevalue(who)
    rows = [import_row(tree.a.commune, "Mô hình Ba Đình"), import_row(tree.a.hamlet)]

    with pytest.raises(PermissionDenied):
        services.import_models(actor=actor, rows=rows)

    assert not PracticeModel.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.import").exists()


def test_a_sheet_touching_a_unit_out_of_scope_imports_nothing(tree, clerk_a):
    rows = [import_row(tree.a.commune, "Mô hình Ba Đình"), import_row(tree.b.commune)]

    with pytest.raises(PermissionDenied):
        services.import_models(actor=clerk_a, rows=rows)

    assert not PracticeModel.objects.exists()


def test_an_import_is_audited_per_unit_for_the_clerk_who_imported(
    tree, clerk_a, clerk_b, client_for
):
    client = client_for(clerk_a)
    rows = [
        *good_rows(tree, 2),
        ["", "Tổ hòa giải", "Tổ dân phố số 1, Phường Ba Đình", 2024, "Kinh tế"],
    ]
    confirm(client, preview(client, sheet(rows)))

    entries = imports_seen_by(client)
    assert sorted((e.scope_path, e.after["created"]) for e in entries) == [
        (tree.a.commune.path, 2),
        (tree.a.hamlet.path, 1),
    ]
    assert all(e.actor == clerk_a for e in entries)
    assert imports_seen_by(client_for(clerk_b)) == []


def test_an_imported_model_is_stored_as_one_registered_by_hand(tree, clerk_a):
    texts = {
        "situation": "Khu dân cư đông, phức tạp về an ninh",
        "goals": "Giảm 50% vụ việc mất trật tự",
        "content": "Tuần tra luân phiên, họp tổ hằng tháng",
        "results": "Không để xảy ra trộm cắp",
    }
    level = RecognitionLevel.objects.filter(code="co-so").latest("effective_from")
    services.import_models(
        actor=clerk_a,
        rows=[
            import_row(tree.a.commune, "Tổ tự quản an ninh", **texts),
            import_row(
                tree.a.hamlet,
                "Tổ hòa giải “Dân vận khéo”",
                level=level,
                recognised_on=datetime.date(2024, 5, 1),
                start_date=datetime.date(2024, 1, 2),
                external_id="HG-1",
                **texts,
            ),
        ],
    )
    imported, recognised = PracticeModel.objects.order_by("id")
    by_hand = services.register_model(
        actor=clerk_a,
        name="Tổ tự quản an ninh",
        unit=tree.a.commune,
        year=2024,
        field=Field.objects.get(code="kinh-te"),
        kind="collective",
        **texts,
    )
    same = [f.attname for f in PracticeModel._meta.concrete_fields]
    same = [n for n in same if n not in ("id", "created_at", "updated_at")]
    assert {n: getattr(imported, n) for n in same} == {n: getattr(by_hand, n) for n in same}
    assert imported.created_at == recognised.created_at <= by_hand.created_at
    assert imported.updated_at is not None
    assert (recognised.status, recognised.recognised_level, recognised.recognised_on) == (
        Status.RECOGNISED,
        level,
        datetime.date(2024, 5, 1),
    )
    assert (recognised.start_date, recognised.external_id) == (datetime.date(2024, 1, 2), "HG-1")
    assert list(PracticeModel.objects.search("hoa giai dan van")) == [recognised]
    changes = StatusChange.objects.filter(model__in=[imported, recognised]).order_by("model_id")
    assert [(c.model, c.from_status, c.to_status, c.actor, c.note) for c in changes] == [
        (imported, "", Status.REGISTERED, clerk_a, gettext("import")),
        (recognised, "", Status.RECOGNISED, clerk_a, gettext("import")),
    ]
    assert totals(PracticeModel.objects.all()) == {"registered": 3, "recognised": 1}
    counted = ModelYearStat.objects.filter(unit__in=[tree.a.commune, tree.a.hamlet], year=2024)
    assert sorted(counted.values_list("registered", "recognised")) == [(1, 1), (2, 0)]
