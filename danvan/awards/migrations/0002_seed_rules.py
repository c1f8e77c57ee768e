"""The rules of emulation and commendation as DOMAIN.md gives them, dated, for the city's
administrators to change in the admin: the award catalogue (money as multiples of the base
salary, council thresholds), the authority table, the base salary, the rule of the medal
“Vì sự nghiệp Dân vận” and the titles that need consecutive years."""

import datetime
from decimal import Decimal

from django.db import migrations

from danvan.lib.history import baseline_history

LAW = "Luật Thi đua, khen thưởng 06/2022/QH15"
DECREE = "NĐ 152/2025/NĐ-CP"
LAW_FROM = datetime.date(2024, 1, 1)
REFORM = datetime.date(2025, 7, 1)

# code, name, kind, recipients, rank, × base salary (individual, collective), vote threshold
# (% of all members), once only, posthumous, certificate heading
CATALOGUE = [
    ("ldtt", "Lao động tiên tiến", "title", "individual", 10, "0.3", None, 50, False, True, ""),
    ("giay_khen", "Giấy khen", "form", "any", 15, "0.15", "0.3", 50, False, True, "GIẤY KHEN"),
    (
        "cstd_co_so",
        "Chiến sĩ thi đua cơ sở",
        "title",
        "individual",
        20,
        "1.0",
        None,
        80,
        False,
        True,
        "CHIẾN SĨ THI ĐUA CƠ SỞ",
    ),
    (
        "tt_ldtt",
        "Tập thể lao động tiên tiến",
        "title",
        "collective",
        20,
        None,
        "0.8",
        50,
        False,
        True,
        "",
    ),
    (
        "tt_ldxs",
        "Tập thể lao động xuất sắc",
        "title",
        "collective",
        30,
        None,
        "1.5",
        50,
        False,
        True,
        "TẬP THỂ LAO ĐỘNG XUẤT SẮC",
    ),
    ("bang_khen", "Bằng khen", "form", "any", 30, "1.0", "2.0", 50, False, True, "BẰNG KHEN"),
    (
        "knc_dan_van",
        "Kỷ niệm chương “Vì sự nghiệp Dân vận”",
        "form",
        "individual",
        35,
        None,
        None,
        50,
        True,
        False,
        "KỶ NIỆM CHƯƠNG",
    ),
    (
        "cstd_tinh",
        "Chiến sĩ thi đua thành phố",
        "title",
        "individual",
        40,
        "3.0",
        None,
        90,
        False,
        True,
        "CHIẾN SĨ THI ĐUA THÀNH PHỐ",
    ),
    (
        "co_thi_dua_tinh",
        "Cờ thi đua của thành phố",
        "title",
        "collective",
        50,
        None,
        "8.0",
        80,
        False,
        True,
        "CỜ THI ĐUA",
    ),
    (
        "bang_khen_thu_tuong",
        "Bằng khen của Thủ tướng Chính phủ",
        "form",
        "any",
        60,
        "1.5",
        "3.0",
        50,
        False,
        True,
        "BẰNG KHEN",
    ),
    (
        "cstd_toan_quoc",
        "Chiến sĩ thi đua toàn quốc",
        "title",
        "individual",
        70,
        "4.5",
        None,
        90,
        False,
        True,
        "",
    ),
    (
        "co_thi_dua_cp",
        "Cờ thi đua của Chính phủ",
        "title",
        "collective",
        70,
        None,
        "12.0",
        80,
        False,
        True,
        "",
    ),
    (
        "huan_chuong_ld3",
        "Huân chương Lao động hạng Ba",
        "form",
        "any",
        80,
        "4.5",
        "9.0",
        50,
        False,
        True,
        "",
    ),
]

# award code, level, kind of body, decided outside by, from, to, legal basis
AUTHORITIES = [
    # The commune's chair: its base titles; Giấy khen of its Party committee and Front.
    ("ldtt", "commune", "peoples_committee", "", LAW_FROM, None, LAW),
    ("giay_khen", "commune", "peoples_committee", "", LAW_FROM, None, LAW),
    ("cstd_co_so", "commune", "peoples_committee", "", REFORM, None, DECREE),
    ("tt_ldtt", "commune", "peoples_committee", "", REFORM, None, DECREE),
    ("giay_khen", "commune", "party_committee", "", LAW_FROM, None, "Quy định của Đảng"),
    ("giay_khen", "commune", "front_committee", "", LAW_FROM, None, "Điều lệ MTTQ Việt Nam"),
    # The district chair, until the districts closed on 30 June 2025.
    ("ldtt", "district", "district", "", LAW_FROM, datetime.date(2025, 6, 30), LAW),
    ("giay_khen", "district", "district", "", LAW_FROM, datetime.date(2025, 6, 30), LAW),
    ("cstd_co_so", "district", "district", "", LAW_FROM, datetime.date(2025, 6, 30), LAW),
    ("tt_ldtt", "district", "district", "", LAW_FROM, datetime.date(2025, 6, 30), LAW),
    # The city's chair.
    ("bang_khen", "city", "peoples_committee", "", LAW_FROM, None, LAW),
    ("cstd_tinh", "city", "peoples_committee", "", LAW_FROM, None, LAW),
    ("tt_ldxs", "city", "peoples_committee", "", LAW_FROM, None, LAW),
    ("co_thi_dua_tinh", "city", "peoples_committee", "", LAW_FROM, None, LAW),
    # Party bodies give their own Bằng khen and Giấy khen; the city's boards their staff's titles.
    ("bang_khen", "city", "party_committee", "", LAW_FROM, None, "Quy định của Đảng"),
    ("giay_khen", "city", "agency", "", LAW_FROM, None, "Quy định của Đảng"),
    ("ldtt", "city", "agency", "", LAW_FROM, None, LAW),
    ("cstd_co_so", "city", "agency", "", LAW_FROM, None, LAW),
    ("tt_ldtt", "city", "agency", "", LAW_FROM, None, LAW),
    ("bang_khen", "city", "front_committee", "", LAW_FROM, None, "Điều lệ MTTQ Việt Nam"),
    ("giay_khen", "city", "front_committee", "", LAW_FROM, None, "Điều lệ MTTQ Việt Nam"),
    # Decided outside the tree: the city compiles the file and sends it up.
    (
        "knc_dan_van",
        "city",
        "agency",
        "Ban Dân vận Trung ương",
        LAW_FROM,
        None,
        "Quy chế xét tặng Kỷ niệm chương “Vì sự nghiệp Dân vận”",
    ),
    ("cstd_toan_quoc", "city", "peoples_committee", "Thủ tướng Chính phủ", LAW_FROM, None, LAW),
    ("co_thi_dua_cp", "city", "peoples_committee", "Thủ tướng Chính phủ", LAW_FROM, None, LAW),
    (
        "bang_khen_thu_tuong",
        "city",
        "peoples_committee",
        "Thủ tướng Chính phủ",
        LAW_FROM,
        None,
        LAW,
    ),
    ("huan_chuong_ld3", "city", "peoples_committee", "Chủ tịch nước", LAW_FROM, None, LAW),
]

BASE_SALARIES = [
    (1_490_000, datetime.date(2019, 7, 1), datetime.date(2023, 6, 30), "NĐ 38/2019/NĐ-CP"),
    (1_800_000, datetime.date(2023, 7, 1), datetime.date(2024, 6, 30), "NĐ 24/2023/NĐ-CP"),
    (2_340_000, datetime.date(2024, 7, 1), None, "NĐ 73/2024/NĐ-CP"),
]

# award, needs, consecutive years, needs an initiative
TITLE_RULES = [
    ("cstd_co_so", "ldtt", 1, True),
    ("cstd_tinh", "cstd_co_so", 3, True),
    ("cstd_toan_quoc", "cstd_tinh", 2, True),
    ("tt_ldxs", "tt_ldtt", 1, False),
]


def seed(apps, schema_editor):
    award_type = apps.get_model("awards", "AwardType")
    for (
        code,
        name,
        kind,
        recipients,
        rank,
        individual,
        collective,
        threshold,
        once,
        posthumous,
        heading,
    ) in CATALOGUE:
        award_type.objects.create(
            code=code,
            name=name,
            kind=kind,
            recipients=recipients,
            rank=rank,
            money_individual=Decimal(individual) if individual else None,
            money_collective=Decimal(collective) if collective else None,
            vote_threshold=Decimal(threshold),
            once_only=once,
            posthumous=posthumous,
            certificate_title=heading,
            legal_basis=f"{LAW}; {DECREE}",
            effective_from=LAW_FROM,
        )
    authority = apps.get_model("awards", "Authority")
    for code, level, kind, external, start, end, basis in AUTHORITIES:
        authority.objects.create(
            award_code=code,
            level=level,
            issuer_kind=kind,
            external_body=external,
            legal_basis=basis,
            effective_from=start,
            effective_to=end,
        )
    salary = apps.get_model("awards", "BaseSalary")
    for amount, start, end, basis in BASE_SALARIES:
        salary.objects.create(amount=amount, effective_from=start, effective_to=end, legal_basis=basis)
    apps.get_model("awards", "MedalRule").objects.create(
        award_code="knc_dan_van",
        years_full_time=Decimal(10),
        years_part_time=Decimal(15),
        years_with_management=Decimal(7),
        management_years=Decimal(3),
        hardship_multiplier=Decimal("1.5"),
        women_reduction_numerator=1,
        women_reduction_denominator=3,
        high_award_codes="huan_chuong_ld3,cstd_toan_quoc,bang_khen_thu_tuong",
        high_award_reduction_years=Decimal(2),
        legal_basis=(
            "Không có trong văn bản công khai: mặc định theo các kỷ niệm chương tương tự "
            "(“Vì sự nghiệp Tuyên giáo”: 10 năm, hoặc 7 năm có 3 năm giữ chức vụ lãnh đạo; "
            "các kỷ niệm chương khác: 15 năm chuyên trách / 20 năm kiêm nhiệm, ×1,5 vùng khó "
            "khăn, nữ giảm 1/3); cấu hình được"
        ),
        effective_from=datetime.date(2000, 1, 1),
    )
    title_rule = apps.get_model("awards", "TitleRule")
    for code, needs, years, initiative in TITLE_RULES:
        title_rule.objects.create(
            award_code=code,
            prerequisite_code=needs,
            consecutive_years=years,
            needs_initiative=initiative,
            legal_basis=LAW,
            effective_from=LAW_FROM,
        )


def unseed(apps, schema_editor):
    for name in ("TitleRule", "MedalRule", "BaseSalary", "Authority", "AwardType"):
        apps.get_model("awards", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [
        migrations.RunPython(seed, unseed),
        baseline_history(
            "awards", ["AwardType", "Authority", "BaseSalary", "MedalRule", "TitleRule"]
        ),
    ]
