"""The law's rows for intake and clocks (DOMAIN.md §6), editable data with their sources:

- where each clock counts from: acceptance and forward clocks from receipt, handling from
  acceptance, the reception reply from receipt (Luật Tiếp công dân 2013, Điều 28), an
  extension from the end of the period it extends; calendar-day periods ending on a day off
  end on the next working day (Bộ luật Dân sự 2015, Điều 148). The rows already there gain
  these two columns as the law always had them (a new version in their history says so);
- the handling of information (Luật Tố cáo 2018, Điều 25; its period is not in the law:
  a configurable default, never escalated);
- the complaint's limitation period (Luật Khiếu nại 2011, Điều 9) and the refusal it allows
  (Điều 11, khoản 4).

Existing cases are brought in line by `manage.py recompute_voice_clocks` (audited, case by
case).
"""

import datetime

from django.db import migrations
from django.utils import timezone

START = datetime.date(2025, 7, 1)
STARTS = {"accept": "receipt", "handle": "acceptance", "forward": "receipt", "extend": "previous_end"}
# kind, step → start, where it differs from STARTS
EXCEPTIONS = {("reception", "handle"): "receipt"}
REASON = "rules: clock start events and days off"
INFORMATION_RULE = {
    "kind": "information",
    "urgency": "",
    "step": "handle",
    "amount": 10,
    "unit": "working_days",
    "starts_from": "receipt",
    "legal_basis": "Luật Tố cáo 2018, Điều 25 (thời hạn xem xét: mặc định, cấu hình được)",
}
# In force with the law itself (1 July 2012): complaints of any age get their period.
LIMITATION_FROM = datetime.date(2012, 7, 1)
LIMITATION = {
    "kind": "complaint",
    "days": 90,
    "legal_basis": "Luật Khiếu nại 2011, Điều 9",
}
TIME_BARRED = {
    "code": "het-thoi-hieu",
    "text": (
        "Không thụ lý giải quyết: thời hiệu khiếu nại đã hết mà không có lý do chính đáng "
        "(Luật Khiếu nại 2011, Điều 9 và khoản 4 Điều 11)"
    ),
    "old_text": "Đã hết thời hiệu khiếu nại",
}


def _history(apps, name, rows, reason):
    model = apps.get_model("voice", name)
    historical = apps.get_model("voice", f"Historical{name}")
    fields = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    historical.objects.bulk_create(
        [
            historical(
                **{f: getattr(row, f) for f in fields},
                history_date=now,
                history_type="~",
                history_change_reason=reason,
            )
            for row in rows
        ]
    )


def seed(apps, schema_editor):
    Rule = apps.get_model("voice", "DeadlineRule")
    Limitation = apps.get_model("voice", "LimitationRule")
    Reason = apps.get_model("voice", "RejectionReason")
    changed = []
    for rule in Rule.objects.all():
        start = EXCEPTIONS.get((rule.kind, rule.step), STARTS.get(rule.step, "receipt"))
        # Columns new to rows in use: a plain UPDATE, and a version in their history.
        Rule.objects.filter(pk=rule.pk).update(starts_from=start, next_working_day=True)
        changed.append(rule.pk)
    _history(apps, "DeadlineRule", Rule.objects.filter(pk__in=changed), REASON)
    information, created = Rule.objects.get_or_create(
        kind=INFORMATION_RULE["kind"],
        urgency="",
        step=INFORMATION_RULE["step"],
        effective_from=START,
        defaults=INFORMATION_RULE,
    )
    if created:
        _history(apps, "DeadlineRule", [information], "seed")
    limitation, created = Limitation.objects.get_or_create(
        kind=LIMITATION["kind"], category=None, effective_from=LIMITATION_FROM, defaults=LIMITATION
    )
    if created:
        _history(apps, "LimitationRule", [limitation], "seed")
    reason, _created = Reason.objects.update_or_create(
        code=TIME_BARRED["code"], defaults={"text": TIME_BARRED["text"], "time_barred": True}
    )
    _history(apps, "RejectionReason", [reason], REASON)


def unseed(apps, schema_editor):
    Rule = apps.get_model("voice", "DeadlineRule")
    Case = apps.get_model("voice", "Case")
    used = Case.objects.filter(deadline_rule__kind="information").exists()
    if not used:
        Rule.objects.filter(kind="information").delete()
    Reason = apps.get_model("voice", "RejectionReason")
    Reason.objects.filter(code=TIME_BARRED["code"]).update(
        text=TIME_BARRED["old_text"], time_barred=False
    )
    Limitation = apps.get_model("voice", "LimitationRule")
    Limitation.objects.exclude(
        pk__in=Case.objects.filter(limitation_rule__isnull=False).values("limitation_rule")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("voice", "0005_intake_law_and_clock_starts")]
    operations = [migrations.RunPython(seed, unseed)]
