"""Vietnamese personal names, weighted as they occur, for the demo data of every app (pure
data: no app, no database)."""

# Surnames with their weights (Nguyễn about a third of the population).
SURNAMES = [
    ("Nguyễn", 31), ("Trần", 10), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Vũ", 4), ("Phan", 3),
    ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Ngô", 2), ("Dương", 2), ("Đào", 2), ("Đinh", 2),
    ("Trịnh", 2), ("Lý", 1), ("Hà", 1), ("Tạ", 1), ("Lương", 1), ("Nghiêm", 1), ("Kiều", 1),
    ("Khuất", 1), ("Chu", 1), ("Cao", 1),
]  # fmt: skip
MALE_MIDDLE = [("Văn", 8)] + [(m, 2) for m in ("Đức", "Minh", "Quang", "Hữu")]
MALE_MIDDLE += [(m, 1) for m in ("Công", "Xuân", "Mạnh", "Tiến", "Ngọc", "Thanh", "Trọng")]
MALE_GIVEN = (
    "Hùng Dũng Tuấn Minh Hải Long Nam Thắng Cường Sơn Bình Quân Trung Thành Hiếu Phong Khánh "
    "Toàn Huy Lâm Tùng Đạt Hưng Vinh Chiến Thịnh Kiên Lợi Tâm Hòa"
).split()
FEMALE_MIDDLE = [("Thị", 8), ("Thu", 2)]
FEMALE_MIDDLE += [
    (m, 1) for m in ("Ngọc", "Thanh", "Minh", "Hồng", "Thúy", "Kim", "Phương", "Bích")
]
FEMALE_GIVEN = (
    "Hoa Lan Hương Hạnh Hằng Nga Thủy Mai Hà Huyền Loan Yến Dung Liên Oanh Thảo Trang Linh "
    "Phượng Nhung Tâm Vân Xuân Hiền Quyên Thơm Hiên"
).split()
