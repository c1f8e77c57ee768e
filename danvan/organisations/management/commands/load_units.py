"""Load units: Hà Nội (default), all 34 provinces (--all), or an Excel or CSV file (--file)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from danvan.organisations.imports import rows_from_csv, rows_from_xlsx
from danvan.organisations.loader import LoadError, load_units
from danvan.organisations.national import HANOI_CODE, national_rows


class Command(BaseCommand):
    help = "Load organisation units from the national list or a file (idempotent by key)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="all 34 provinces, 3,321 communes")
        parser.add_argument("--province", default=HANOI_CODE, help="province code (01: Hà Nội)")
        parser.add_argument("--hamlets", type=int, default=3, help="hamlets per commune")
        parser.add_argument("--no-legacy", action="store_true", help="skip pre-2025 units")
        parser.add_argument(
            "--file", help="Excel (.xlsx) or CSV file with key, parent unit, name, kind... columns"
        )

    def handle(self, *args, **options):
        is_xlsx = bool(options["file"]) and options["file"].lower().endswith(".xlsx")
        if options["file"]:
            try:
                content = (
                    Path(options["file"]).read_bytes()
                    if is_xlsx
                    else Path(options["file"]).read_text(encoding="utf-8-sig")
                )
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": exc}
                ) from exc
            source = options["file"]
        try:
            if is_xlsx:
                rows = rows_from_xlsx(content)
            elif options["file"]:
                rows = rows_from_csv(content)
            else:
                codes = None if options["all"] else [options["province"]]
                legacy = () if options["no_legacy"] else (HANOI_CODE,)
                rows = national_rows(
                    province_codes=codes, hamlets=options["hamlets"], legacy_for=legacy
                )
                source = "vietnamadminunits"
            result = load_units(rows, source=source)
        except LoadError as exc:
            for line, key, reason in exc.problems:
                self.stderr.write(
                    _("  line %(line)s [%(key)s]: %(reason)s")
                    % {"line": line, "key": key, "reason": reason}
                )
            raise CommandError(
                _("Nothing was written: fix the rows above and load again.")
            ) from exc
        self.stdout.write(
            _("%(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
