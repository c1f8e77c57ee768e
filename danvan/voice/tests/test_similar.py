"""Similar cases: suggestions while a citizen types, the embeddings stored after intake,
likely duplicates on the case page, and merging a duplicate so its citizen still gets the
answer."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import AuditEntry
from danvan.voice import services, similar
from danvan.voice.models import Case, CaseEvent, Status
from danvan.voice.tests.conftest import send

FLOOD = "Ngõ 12 phố Trần Phú bị ngập nước sâu mỗi khi mưa to"
NOISE = "Hàng xóm hát karaoke ồn ào đến nửa đêm"
LIGHT = "Đèn đường ngõ 5 hỏng cả tháng nay chưa sửa"


@pytest.fixture(autouse=True)
def _fresh_cache():
    similar.clear_cache()
    yield
    similar.clear_cache()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def report(tree, text, *, commune=None, capture=None, **extra):
    """A case as the portal sends it, its embedding stored by the background work."""
    if capture is None:
        return send(tree, commune=commune, title=text[:200], description=text, **extra)
    with capture(execute=True):
        return send(tree, commune=commune, title=text[:200], description=text, **extra)


def suggestions(client, commune, title, description=""):
    response = client.get(
        reverse("public:similar"),
        {"commune": commune.pk, "title": title, "description": description},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_intake_stores_the_signature_now_and_the_embedding_in_the_background(
    tree, django_capture_on_commit_callbacks
):
    case = report(tree, FLOOD, capture=django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.text_signature.startswith("ngo 12 pho tran phu bi ngap nuoc")
    assert case.embedding is not None and len(case.embedding) == 768


def test_the_citizen_sees_open_cases_of_the_commune_saying_the_same(
    tree, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    flood = report(tree, FLOOD, capture=capture, reporter_name="Trần Thị Bình", consent=True)
    report(tree, NOISE, capture=capture)
    report(tree, LIGHT, capture=capture)
    # With diacritics, in other words; then typed without diacritics.
    html = suggestions(client, tree.a.commune, "Mưa lớn là ngõ 12 Trần Phú lại ngập")
    assert "Đã có người phản ánh" in html and flood.title in html
    assert NOISE not in html and LIGHT not in html
    html = suggestions(client, tree.a.commune, "ngo 12 tran phu ngap nuoc", "khi mua to")
    assert flood.title in html
    # Public parts only: no code (its sender's key), no name.
    assert flood.code not in html and "Bình" not in html
    # Something unrelated, or the same text in another commune: nothing.
    assert "Đã có người" not in suggestions(client, tree.a.commune, "Xin cấp giấy phép kinh doanh")
    assert flood.title not in suggestions(client, tree.b.commune, "ngõ 12 Trần Phú bị ngập nước")
    # Too short to compare, or no commune: nothing, and no error.
    assert flood.title not in suggestions(client, tree.a.commune, "ngập")
    response = client.get(reverse("public:similar"), {"commune": "", "title": FLOOD})
    assert response.status_code == 200 and flood.title not in response.content.decode()


def test_personal_kinds_and_closed_cases_are_never_suggested(
    tree, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    complaint = report(tree, FLOOD, capture=capture, kind="complaint")
    answered = report(tree, NOISE, capture=capture)
    Case.objects.filter(pk=answered.pk).update(status=Status.CLOSED)
    assert complaint.title not in suggestions(client, tree.a.commune, FLOOD)
    assert answered.title not in suggestions(client, tree.a.commune, NOISE)


def test_without_embeddings_intake_works_and_words_still_match(
    tree, client, settings, django_capture_on_commit_callbacks
):
    settings.TEXTSIM_EMBEDDINGS = False
    case = report(tree, FLOOD, capture=django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.embedding is None
    assert case.text_signature
    assert case.title in suggestions(client, tree.a.commune, "ngo 12 tran phu bi ngap nuoc")


def test_the_form_page_asks_for_suggestions_while_typing(db, client):
    html = client.get(reverse("public:send")).content.decode()
    assert reverse("public:similar") in html and 'hx-trigger="change from:#id_commune' in html


# Likely duplicates and merging


def test_the_case_page_lists_likely_duplicates(
    tree, clerk_a, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = report(tree, FLOOD, capture=capture)
    other = report(tree, NOISE, capture=capture)
    again = report(tree, "Mưa to là ngõ 12 Trần Phú lại ngập sâu", capture=capture)
    html = staff(clerk_a).get(reverse("voice:detail", args=[again.pk])).content.decode()
    assert 'id="duplicates"' in html and first.code in html and other.code not in html
    assert f"Merge into {first.code}" in html


def test_the_duplicates_panel_reads_a_fixed_number_of_queries(
    tree, clerk_a, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    case = report(tree, FLOOD, capture=capture)
    client = staff(clerk_a)

    def count():
        similar.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("voice:detail", args=[case.pk])).content.decode()
        return len(queries), html.count("Merge into ")

    report(tree, "Ngõ 12 Trần Phú ngập nước khi mưa", capture=capture)
    few, shown = count()
    assert shown == 1
    for i in range(6):
        report(tree, f"Ngõ 12 Trần Phú ngập nước khi mưa, lần {i}", capture=capture)
    many, shown = count()
    assert shown == 5 and many == few


def test_merge_keeps_every_citizen_informed(
    tree, clerk_a, staff, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    kept = report(tree, FLOOD, capture=capture)
    duplicate = report(tree, "Mưa to là ngõ 12 Trần Phú lại ngập sâu", capture=capture)
    response = staff(clerk_a).post(
        reverse("voice:merge", args=[duplicate.pk]), {"merge-kept": kept.code}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == kept
    assert duplicate.deadline is None and duplicate.forward_deadline is None
    assert AuditEntry.objects.filter(action="voice.merge", object_id=str(duplicate.pk)).exists()
    # The duplicate's citizen is told, without the other case's code.
    page = client.get(reverse("public:case", args=[duplicate.code])).content.decode()
    assert "handled together" in page or "cùng" in page
    assert kept.code not in page
    # The kept case is answered: so is the merged one, on its own tracking page.
    kept = services.accept_case(actor=clerk_a, case=kept)
    services.answer_case(actor=clerk_a, case=kept, answer="Đã nạo vét cống ngõ 12.")
    duplicate.refresh_from_db()
    assert duplicate.status == Status.ANSWERED
    assert duplicate.answer == "Đã nạo vét cống ngõ 12." and duplicate.answered_at is not None
    assert CaseEvent.objects.filter(case=duplicate, action="answer", is_public=True).exists()
    page = client.get(reverse("public:case", args=[duplicate.code])).content.decode()
    assert "Đã nạo vét cống ngõ 12." in page


def test_cases_merged_into_a_duplicate_follow_the_kept_case(tree, clerk_a):
    kept, middle, last = (send(tree, title=f"Ngập ngõ 12 ({i})") for i in range(3))
    services.merge_cases(actor=clerk_a, kept=middle, duplicate=last)
    services.merge_cases(actor=clerk_a, kept=kept, duplicate=middle)
    assert set(kept.merged_cases.values_list("pk", flat=True)) == {middle.pk, last.pk}


@pytest.mark.parametrize("bad", ["self", "commune", "merged", "closed", "duplicate_closed"])
def test_bad_merges_are_refused_and_change_nothing(tree, clerk_a, city_officer, bad):
    kept, duplicate = send(tree), send(tree)
    actor = clerk_a
    if bad == "self":
        duplicate = kept
    elif bad == "commune":
        duplicate = send(tree, commune=tree.b.commune)
        actor = city_officer
    elif bad == "merged":
        services.merge_cases(actor=clerk_a, kept=send(tree), duplicate=kept)
    elif bad == "closed":
        Case.objects.filter(pk=kept.pk).update(status=Status.CLOSED)
    else:
        Case.objects.filter(pk=duplicate.pk).update(status=Status.ANSWERED)
    before = list(Case.objects.order_by("pk").values_list("status", "merged_into"))
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        services.merge_cases(actor=actor, kept=kept, duplicate=duplicate)
    assert isinstance(refused.value, ValidationError), refused.value
    assert refused.value.code.startswith("merge_")
    assert list(Case.objects.order_by("pk").values_list("status", "merged_into")) == before


def test_a_refused_merge_shows_a_vietnamese_message(tree, clerk_a, client_for):
    kept = send(tree)
    response = client_for(clerk_a).post(
        reverse("voice:merge", args=[kept.pk]), {"merge-kept": kept.code}
    )
    assert "không thể gộp vào chính nó" in response.content.decode()


def test_a_clerk_out_of_scope_cannot_merge(tree, clerk_a, clerk_b, staff):
    kept, duplicate = send(tree), send(tree)
    with pytest.raises(PermissionDenied):
        services.merge_cases(actor=clerk_b, kept=kept, duplicate=duplicate)
    response = staff(clerk_b).post(
        reverse("voice:merge", args=[duplicate.pk]), {"merge-kept": kept.code}
    )
    assert response.status_code == 404
    # Nor merge a case of their own into one outside their scope.
    own = send(tree, commune=tree.b.commune)
    response = staff(clerk_b).post(reverse("voice:merge", args=[own.pk]), {"merge-kept": kept.code})
    own.refresh_from_db()
    assert own.status == Status.RECEIVED and own.merged_into is None
    assert Case.objects.filter(merged_into__isnull=False).count() == 0


def test_a_viewer_sees_no_duplicates_panel_and_cannot_merge(tree, staff):
    viewer = make_user("viewer_a", Role.VIEWER, tree.a.commune)
    kept, duplicate = send(tree), send(tree)
    client = staff(viewer)
    html = client.get(reverse("voice:detail", args=[duplicate.pk])).content.decode()
    assert duplicate.title in html and 'id="duplicates"' not in html
    response = client.post(reverse("voice:merge", args=[duplicate.pk]), {"merge-kept": kept.code})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.merge_cases(actor=viewer, kept=kept, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RECEIVED


def test_the_backfill_command_embeds_the_cases_without_one(tree):
    case, other = send(tree), send(tree)
    Case.objects.filter(pk=case.pk).update(text_signature="", embedding=None)
    call_command("embed_cases", stdout=io.StringIO())
    case.refresh_from_db()
    other.refresh_from_db()
    assert case.text_signature and case.embedding is not None
    assert other.embedding is not None
