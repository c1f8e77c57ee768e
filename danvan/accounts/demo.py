"""The accounts' part of the demo: the demo logins (never created unless DEMO_MODE is on)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user
from danvan.organisations.models import Unit

DEMO_PASSWORD = "danvan-demo-2026"  # noqa: S105 (printed for the demo, refused in production)

# username, full name, role, unit key, what the account shows
DEMO_ACCOUNTS = [
    ("quantri", "Nguyễn Văn Quản", Role.ADMINISTRATOR, "vn-01", "city administrator"),
    ("thanhpho", "Trần Thị Thu Hà", Role.BOARD_OFFICER, "vn-01", "city board officer"),
    ("badinh", "Lê Minh Tuấn", Role.CLERK, "vn-01-00004", "clerk of Phường Ba Đình"),
    ("hadong", "Phạm Thị Lan", Role.CLERK, "vn-01-09556", "clerk of Phường Hà Đông"),
    ("mttq.badinh", "Hoàng Văn Nam", Role.CLERK, "vn-01-00004-front", "Front clerk, Ba Đình"),
    ("giamkhao", "Đỗ Văn Khảo", Role.JUDGE, "vn-01", "judge on the city's review council"),
]


def load(*, progress) -> str:
    """Create the demo accounts and give them their roles (refused unless DEMO_MODE is on)."""
    return f"{len(create_demo_accounts())} demo accounts"


@transaction.atomic
def create_demo_accounts() -> list[tuple[str, str, str]]:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo accounts are only created when DEMO_MODE is on.")
    created = []
    for username, full_name, role, unit_key, label in DEMO_ACCOUNTS:
        unit = Unit.objects.filter(key=unit_key).first()
        if unit is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None, username=username, password=DEMO_PASSWORD, full_name=full_name
            )
        assign_role(actor=None, user=user, role=role, unit=unit)
        created.append((username, label, unit.name))
    return created
