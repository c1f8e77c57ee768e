"""Every page of the site, as a reader reaches it: each named URL pattern of the root resolver
is either walked (built with a real object of the demo, and the login that may open it) or
excluded with the reason it is not a page (a download, a POST-only action, an htmx fragment,
the admin, the API). test_every_page.py holds both to the resolver, so a new page cannot
escape the accessibility walk.

Models are looked up by name (apps.get_model): the walk touches every app, whatever its layer.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Who opens a page: the anonymous citizen, or one of the demo's logins.
PUBLIC = "public"
OFFICER = "thanhpho"  # the city board's officer: sees the whole city
ADMIN = "quantri"  # the city administrator: collaborators' identities, role assignments
JUDGE = "giamkhao"  # the review council's judge: score sheets
CLERK = "badinh"  # Ba Đình's clerk: what only a commune's clerk does

DOWNLOAD = "a download (DOCX/PDF/XLSX/CSV), not an HTML page"
POST_ONLY = "a POST-only action (its form lives on the page that is walked)"
FRAGMENT = "an htmx fragment, checked inside the page that loads it"
API = "a machine interface (JSON/XML), no HTML"

# Named URL patterns that are not pages a person reads, with the reason.
EXCLUDED: dict[str, str] = {
    "reports:review": POST_ONLY,
    "reports:open_period": POST_ONLY,
    "registry:move": POST_ONLY,
    "registry:classify": POST_ONLY,
    "registry:attach": POST_ONLY,
    "contests:add_round": POST_ONLY,
    "cadres:sensitive": POST_ONLY,
    "cadres:event_attendance": POST_ONLY,
    "awards:revoke": POST_ONLY,
    "awards:edit": POST_ONLY,
    "accounts:logout": POST_ONLY,
    "notices:read": POST_ONLY,
    "notices:read_all": POST_ONLY,
    "notices:bounces": "the mail provider's signed bounce report (POST, 404 without a secret)",
    "accounts:revoke_role": POST_ONLY,
    "organisations:children": FRAGMENT,
    "registry:counts": FRAGMENT,
    "registry:similar": FRAGMENT,
    "registry:import_template": DOWNLOAD,
    "registry:import_review": "needs the token of an uploaded workbook; "
    "the upload's own tests render it",
    "registry:export": DOWNLOAD,
    "registry:attachment": DOWNLOAD,
    "registry:decision": DOWNLOAD,
    "voice:accept": POST_ONLY,
    "voice:start": POST_ONLY,
    "voice:answer": POST_ONLY,
    "voice:reject": POST_ONLY,
    "voice:assign": POST_ONLY,
    "voice:forward": POST_ONLY,
    "voice:extend": POST_ONLY,
    "voice:close": POST_ONLY,
    "voice:merge": POST_ONLY,
    "voice:details": POST_ONLY,
    "voice:information": POST_ONLY,
    "voice:settle": POST_ONLY,
    "voice:attachment": DOWNLOAD,
    "cadres:export": DOWNLOAD,
    "cadres:import_review": "needs the token of an uploaded workbook; "
    "the upload's own tests render it",
    "cadres:import_template": DOWNLOAD,
    "cadres:event_programme": DOWNLOAD,
    "cadres:event_uninvite": POST_ONLY,
    "cadres:event_document": DOWNLOAD,
    "cadres:posting_delete": POST_ONLY,
    "cadres:training_delete": POST_ONLY,
    "dashboard:drill": FRAGMENT,
    "reports:period_export": DOWNLOAD,
    "reports:report_export": DOWNLOAD,
    "opinion:export": DOWNLOAD,
    "opinion:acknowledge": POST_ONLY,
    "opinion:handle": POST_ONLY,
    "opinion:language": POST_ONLY,
    "campaigns:cascade": POST_ONLY,
    "campaigns:report": POST_ONLY,
    "democracy:slips": DOWNLOAD,
    "contests:status": POST_ONLY,
    "contests:clusters": POST_ONLY,
    "contests:send_up": POST_ONLY,
    "contests:team_cluster": POST_ONLY,
    "contests:add_part": POST_ONLY,
    "contests:add_judge": POST_ONLY,
    "contests:set_quota": POST_ONLY,
    "contests:certificates": DOWNLOAD,
    "contests:round_action": POST_ONLY,
    "contests:remove_part": POST_ONLY,
    "contests:remove_judge": POST_ONLY,
    "contests:certificate": DOWNLOAD,
    "contests:sheet_save": POST_ONLY,
    "awards:evidence": POST_ONLY,
    "awards:submit": POST_ONLY,
    "awards:withdraw": POST_ONLY,
    "awards:forward": POST_ONLY,
    "awards:return": POST_ONLY,
    "awards:vote": POST_ONLY,
    "awards:close_vote": POST_ONLY,
    "awards:link_case": POST_ONLY,
    "awards:send_up": POST_ONLY,
    "awards:submission": DOWNLOAD,
    "awards:decision_document": DOWNLOAD,
    "awards:export": DOWNLOAD,
    "awards:certificate": DOWNLOAD,
    "awards:training_certificate": DOWNLOAD,
    "awards:run": POST_ONLY,
    "portal:language": POST_ONLY,
    "public:stop_notices_confirm": POST_ONLY,
    "public:similar": FRAGMENT,
    "public:rate": POST_ONLY,
    "public:reopen": POST_ONLY,
    "public:details": POST_ONLY,
    "public:comment": POST_ONLY,
    "public:ballot": POST_ONLY,
    "public:board": FRAGMENT,
    "open311:discovery": API,
    "open311:services": API,
    "open311:service": API,
    "open311:requests": API,
    "open311:request": API,
    "health": "the load balancers' probe (plain text)",
    "job_download": DOWNLOAD,
    "set_language": POST_ONLY,
    "javascript-catalog": "a JavaScript file",
}
# Whole namespaces left out: Django's own admin is not the application's interface.
EXCLUDED_NAMESPACES = {"admin": "Django's admin, styled and tested by Django"}


def url_names() -> set[str]:
    """Every named URL pattern of the root resolver, as 'namespace:name'."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    if pattern.namespace in EXCLUDED_NAMESPACES:
                        continue
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def _first(label: str, **filters: Any):
    model = apps.get_model(label)
    found = model._default_manager.filter(**filters).order_by("pk").first()
    if found is None:
        raise LookupError(f"the demo has no {label} with {filters}")
    return found


def _pk(label: str, **filters: Any) -> dict[str, Any]:
    return {"pk": _first(label, **filters).pk}


def _ba_dinh():
    return _first("organisations.Unit", name="Phường Ba Đình", kind="commune")


def _hamlet():
    return _first("organisations.Unit", parent=_ba_dinh(), kind="hamlet")


def _model():
    return _first("registry.PracticeModel", unit__path__startswith=_ba_dinh().path)


def _council_score() -> dict[str, Any]:
    """The council of the year and a model it is reviewing (the judge's score sheet)."""
    reviewed = _first("registry.PracticeModel", status="under_review")
    return {"pk": _first("registry.Council").pk, "model_pk": reviewed.pk}


def _cadre():
    return _first("cadres.Cadre", postings__isnull=False)


def _posting() -> dict[str, Any]:
    posting = _first("cadres.Posting")
    return {"pk": posting.cadre_id, "posting_pk": posting.pk}


def _discipline() -> dict[str, Any]:
    discipline = _first("cadres.Discipline")
    return {"pk": discipline.cadre_id, "discipline_pk": discipline.pk}


def _period() -> dict[str, Any]:
    report = _first("reports.Report")
    return {"pk": report.template_id, "start": report.period_start.isoformat()}


def _sheet() -> dict[str, Any]:
    assignment = _first("contests.JudgeAssignment", juror__username=JUDGE)
    round_ = assignment.round
    entry = round_.entries.order_by("pk").first()
    part = round_.parts.order_by("pk").first()
    return {"round_pk": round_.pk, "entry_pk": entry.pk, "part_pk": part.pk}


def _case_code() -> dict[str, Any]:
    return {"code": _first("voice.Case").code}


def _reset_token() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = get_user_model()._default_manager.get(username=OFFICER)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _stop_token() -> dict[str, Any]:
    from danvan.notices.services import stop_token

    return {"token": stop_token(_first("voice.Case"))}


def _job() -> dict[str, Any]:
    return {"token": _first("core.Job").token}


def seed() -> None:
    """What the demo lacks for a page to show: a reception session and a finished export."""
    from django.contrib.auth import get_user_model

    from danvan.voice.services.reception import open_reception_session

    open_reception_session(
        actor=None, unit=_ba_dinh(), date=datetime.date(2026, 3, 5), host="Chủ tịch UBND"
    )
    owner = get_user_model()._default_manager.get(username=OFFICER)
    apps.get_model("core.Job")._default_manager.create(
        kind="export", status="done", owner=owner, token="0" * 32, message="OK"
    )


@dataclass(frozen=True)
class Walk:
    """How to reach a page: who opens it, the URL's arguments, and its query string."""

    login: str
    kwargs: Callable[[], dict[str, Any]] | None = None
    query: str = ""


# Every page that is walked: the login that opens it and, for a detail page, its object.
WALKED: dict[str, Walk] = {
    "home": Walk(OFFICER),
    "organisations:tree": Walk(OFFICER),
    "organisations:unit": Walk(OFFICER, lambda: {"pk": _ba_dinh().pk}),
    "organisations:edit": Walk(ADMIN, lambda: {"pk": _ba_dinh().pk}),
    "organisations:add_child": Walk(ADMIN, lambda: {"pk": _ba_dinh().pk}),
    "organisations:move": Walk(ADMIN, lambda: {"pk": _hamlet().pk}),
    "organisations:clusters": Walk(OFFICER),
    "organisations:import": Walk(ADMIN),
    "accounts:login": Walk(PUBLIC),
    "accounts:password_change": Walk(OFFICER),
    "accounts:password_change_done": Walk(OFFICER),
    "accounts:password_reset": Walk(PUBLIC),
    "accounts:password_reset_done": Walk(PUBLIC),
    "accounts:password_reset_confirm": Walk(PUBLIC, _reset_token),
    "accounts:password_reset_complete": Walk(PUBLIC),
    "accounts:two_factor": Walk(OFFICER),
    "accounts:audit": Walk(OFFICER),
    "accounts:unit_roles": Walk(ADMIN, lambda: {"pk": _ba_dinh().pk}),
    "registry:list": Walk(OFFICER),
    "registry:create": Walk(CLERK),
    "registry:import": Walk(CLERK),
    "registry:councils": Walk(OFFICER),
    "registry:council": Walk(OFFICER, lambda: _pk("registry.Council")),
    "registry:score": Walk(JUDGE, _council_score),
    "registry:detail": Walk(OFFICER, lambda: {"pk": _model().pk}),
    "registry:edit": Walk(CLERK, lambda: {"pk": _model().pk}),
    "registry:recognise": Walk(OFFICER, lambda: {"pk": _model().pk}),
    "registry:replicate": Walk(CLERK, lambda: {"pk": _model().pk}),
    "voice:list": Walk(OFFICER),
    "voice:create": Walk(CLERK),
    "voice:scorecard": Walk(OFFICER),
    "voice:reception": Walk(OFFICER),
    "voice:sessions": Walk(OFFICER, lambda: {"unit_pk": _ba_dinh().pk}),
    "voice:session_create": Walk(CLERK, lambda: {"unit_pk": _ba_dinh().pk}),
    "voice:session": Walk(OFFICER, lambda: _pk("voice.ReceptionSession")),
    "voice:session_visit": Walk(CLERK, lambda: _pk("voice.ReceptionSession")),
    "voice:detail": Walk(OFFICER, lambda: _pk("voice.Case")),
    "cadres:list": Walk(OFFICER),
    "cadres:create": Walk(OFFICER),
    "cadres:import": Walk(OFFICER),
    "cadres:generations": Walk(OFFICER),
    "cadres:events": Walk(OFFICER),
    "cadres:event_create": Walk(OFFICER),
    "cadres:event": Walk(OFFICER, lambda: _pk("cadres.Event")),
    "cadres:event_edit": Walk(OFFICER, lambda: _pk("cadres.Event")),
    "cadres:event_invite": Walk(OFFICER, lambda: _pk("cadres.Event")),
    "cadres:detail": Walk(OFFICER, lambda: {"pk": _cadre().pk}),
    "cadres:edit": Walk(OFFICER, lambda: {"pk": _cadre().pk}),
    "cadres:sensitive_edit": Walk(ADMIN, lambda: {"pk": _cadre().pk}),
    "cadres:posting_add": Walk(OFFICER, lambda: {"pk": _cadre().pk}),
    "cadres:posting_edit": Walk(OFFICER, _posting),
    "cadres:training_add": Walk(OFFICER, lambda: {"pk": _cadre().pk}),
    "cadres:discipline_add": Walk(OFFICER, lambda: {"pk": _cadre().pk}),
    "cadres:discipline_edit": Walk(OFFICER, _discipline),
    "dashboard:home": Walk(OFFICER),
    "dashboard:unit": Walk(OFFICER, lambda: {"pk": _ba_dinh().pk}),
    "reports:templates": Walk(OFFICER),
    "reports:template": Walk(OFFICER, lambda: _pk("reports.ReportTemplate")),
    "reports:period": Walk(OFFICER, _period),
    "reports:report": Walk(OFFICER, lambda: _pk("reports.Report")),
    "opinion:synthesis": Walk(OFFICER),
    "opinion:missing": Walk(OFFICER),
    "notices:list": Walk(CLERK),
    "notices:preferences": Walk(CLERK),
    "opinion:collaborators": Walk(OFFICER),
    "opinion:collaborator_new": Walk(ADMIN),
    "opinion:identity": Walk(ADMIN, lambda: _pk("opinion.Collaborator")),
    "opinion:reports": Walk(OFFICER),
    "opinion:report_new": Walk(CLERK),
    "opinion:report": Walk(OFFICER, lambda: _pk("opinion.OpinionReport")),
    "opinion:themes": Walk(OFFICER),
    "opinion:theme": Walk(OFFICER, lambda: _pk("opinion.Theme")),
    "campaigns:list": Walk(OFFICER),
    "campaigns:create": Walk(OFFICER),
    "campaigns:detail": Walk(OFFICER, lambda: _pk("plans.Campaign")),
    "campaigns:add_target": Walk(OFFICER, lambda: _pk("plans.Campaign")),
    "campaigns:target": Walk(OFFICER, lambda: _pk("plans.Target")),
    "democracy:home": Walk(OFFICER),
    "democracy:commune": Walk(OFFICER, lambda: {"pk": _ba_dinh().pk}),
    "democracy:publications": Walk(CLERK, lambda: {"pk": _ba_dinh().pk}),
    "democracy:votes": Walk(CLERK, lambda: {"pk": _ba_dinh().pk}),
    "democracy:consultations": Walk(CLERK, lambda: {"pk": _ba_dinh().pk}),
    "democracy:boards": Walk(CLERK, lambda: {"pk": _ba_dinh().pk}),
    "democracy:dialogues": Walk(CLERK, lambda: {"pk": _ba_dinh().pk}),
    "democracy:publication": Walk(OFFICER, lambda: _pk("democracy.Publication")),
    "democracy:hamlet": Walk(CLERK, lambda: {"pk": _first("democracy.Household").hamlet_id}),
    "democracy:households_import": Walk(
        CLERK, lambda: {"pk": _first("democracy.Household").hamlet_id}
    ),
    "democracy:household": Walk(CLERK, lambda: _pk("democracy.Household")),
    "democracy:matter": Walk(CLERK, lambda: _pk("democracy.Matter")),
    "democracy:consultation": Walk(CLERK, lambda: _pk("democracy.Consultation")),
    "democracy:board": Walk(CLERK, lambda: _pk("democracy.Board", commune=_ba_dinh())),
    "democracy:dialogue": Walk(OFFICER, lambda: _pk("democracy.Dialogue")),
    "contests:list": Walk(OFFICER),
    "contests:create": Walk(OFFICER),
    "contests:detail": Walk(OFFICER, lambda: _pk("contests.Contest")),
    "contests:edit": Walk(OFFICER, lambda: _pk("contests.Contest")),
    "contests:register": Walk(CLERK, lambda: _pk("contests.Contest", status="registration")),
    "contests:team": Walk(OFFICER, lambda: _pk("contests.Team")),
    "contests:team_edit": Walk(OFFICER, lambda: _pk("contests.Team")),
    "contests:round": Walk(OFFICER, lambda: _pk("contests.Round")),
    "contests:round_edit": Walk(OFFICER, lambda: _pk("contests.Round")),
    "contests:judging": Walk(JUDGE),
    "contests:judging_round": Walk(JUDGE, lambda: {"round_pk": _sheet()["round_pk"]}),
    "contests:sheet": Walk(JUDGE, _sheet),
    "awards:home": Walk(OFFICER),
    "awards:nominations": Walk(OFFICER),
    "awards:nominate": Walk(OFFICER),
    "awards:nomination": Walk(OFFICER, lambda: _pk("awards.Nomination")),
    "awards:council": Walk(OFFICER),
    "awards:decide": Walk(OFFICER),
    "awards:decision": Walk(OFFICER, lambda: _pk("awards.Decision")),
    "awards:list": Walk(OFFICER),
    "awards:import": Walk(OFFICER),
    "awards:award": Walk(OFFICER, lambda: _pk("awards.Award")),
    "awards:commend_model": Walk(OFFICER, lambda: {"pk": _model().pk}),
    "awards:event_awards": Walk(OFFICER, lambda: _pk("cadres.Event")),
    "awards:eligible": Walk(OFFICER),
    "awards:verdict": Walk(OFFICER, lambda: _pk("awards.Verdict")),
    "portal:library": Walk(PUBLIC),
    "portal:library_detail": Walk(
        PUBLIC, lambda: _pk("registry.PracticeModel", status="recognised")
    ),
    "public:finder": Walk(PUBLIC, query="q=ba+dinh"),
    "public:commune": Walk(PUBLIC, lambda: {"slug": "phuong-ba-dinh"}),
    "public:stop_notices": Walk(PUBLIC, _stop_token),
    "public:send": Walk(PUBLIC),
    "public:shared_case": Walk(PUBLIC, lambda: _pk("voice.Case", kind="feedback")),
    "public:track": Walk(PUBLIC),
    "public:case": Walk(PUBLIC, _case_code),
    "public:scorecards": Walk(PUBLIC),
    "public:democracy": Walk(PUBLIC),
    "public:democracy_commune": Walk(PUBLIC, lambda: {"pk": _ba_dinh().pk}),
    "public:consultation": Walk(PUBLIC, lambda: _pk("democracy.Consultation")),
    "public:vote": Walk(PUBLIC, lambda: _pk("democracy.Matter", method="online")),
    "public:contests": Walk(PUBLIC),
    "public:contest": Walk(PUBLIC, lambda: _pk("contests.Contest")),
    "public:scoreboard": Walk(PUBLIC, lambda: _pk("contests.Contest")),
    "job": Walk(OFFICER, _job),
}


def path_of(name: str) -> str:
    """The walked page's address, built with the demo's objects."""
    walk = WALKED[name]
    url = reverse(name, kwargs=walk.kwargs() if walk.kwargs else None)
    return f"{url}?{walk.query}" if walk.query else url


def pages() -> dict[str, list[tuple[str, str]]]:
    """login → [(name, path)] for every walked page, the anonymous visitor's first."""
    by_login: dict[str, list[tuple[str, str]]] = {PUBLIC: [("home", "/")]}
    for name in sorted(WALKED):
        by_login.setdefault(WALKED[name].login, []).append((name, path_of(name)))
    return by_login
