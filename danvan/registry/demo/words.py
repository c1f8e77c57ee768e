"""The parts the registry's demo builds its texts from: practices by field, the sentences of
a registration form, and the names, roles and deeds of individual exemplars."""

from danvan.lib.names import (  # noqa: F401  (the exemplars' names, shared with other demos)
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    SURNAMES,
)

# Practices by field: (name of the practice, what it is about).
PRACTICES = {
    "kinh-te": [
        ("Chi hội phụ nữ giúp nhau phát triển kinh tế", "phát triển kinh tế hộ gia đình"),
        ("Hiến đất mở rộng đường làng", "mở rộng đường giao thông nông thôn"),
        ("Dân vận khéo trong xây dựng nông thôn mới", "xây dựng nông thôn mới"),
        ("Dồn điền đổi thửa", "dồn điền đổi thửa, tích tụ ruộng đất"),
        ("Tổ hợp tác trồng rau an toàn", "sản xuất rau an toàn"),
        ("Chợ văn minh thương mại", "xây dựng chợ văn minh"),
        ("Giúp hộ nghèo thoát nghèo bền vững", "giảm nghèo bền vững"),
        ("Tổ tiết kiệm và vay vốn của hội viên nông dân", "hỗ trợ vốn vay cho hội viên"),
        ("Làng nghề truyền thống gắn với du lịch", "phát triển làng nghề"),
        ("Cựu chiến binh làm kinh tế giỏi", "phát triển kinh tế của cựu chiến binh"),
        ("Thanh niên khởi nghiệp", "khởi nghiệp của thanh niên"),
        ("Thanh toán không dùng tiền mặt", "phổ biến thanh toán không dùng tiền mặt"),
        ("Bê tông hóa đường ngõ xóm", "bê tông hóa đường ngõ xóm"),
        ("Sản phẩm OCOP của địa phương", "phát triển sản phẩm OCOP"),
        ("Vận động nhân dân bàn giao mặt bằng", "giải phóng mặt bằng các dự án"),
        ("Liên kết sản xuất theo chuỗi giá trị", "liên kết sản xuất, tiêu thụ nông sản"),
    ],
    "van-hoa-xa-hoi": [
        ("Phân loại rác thải tại nguồn", "phân loại rác thải tại nguồn"),
        ("Ngày Chủ nhật xanh", "vệ sinh môi trường khu dân cư"),
        ("Đường hoa tự quản", "trồng và chăm sóc cây xanh, đường hoa"),
        ("Mái ấm tình thương", "hỗ trợ nhà ở cho hộ khó khăn"),
        ("Tủ sách cộng đồng", "phát triển văn hóa đọc"),
        ("Bữa cơm nghĩa tình", "hỗ trợ người bệnh có hoàn cảnh khó khăn"),
        ("Khu dân cư văn hóa kiểu mẫu", "xây dựng khu dân cư văn hóa"),
        ("Gia đình văn hóa, gia đình hạnh phúc", "xây dựng gia đình văn hóa"),
        ("Câu lạc bộ dưỡng sinh người cao tuổi", "chăm sóc sức khỏe người cao tuổi"),
        ("Vỉa hè văn minh", "giữ gìn trật tự đô thị"),
        ("Nói không với túi ni lông", "giảm thiểu rác thải nhựa"),
        ("Việc cưới, việc tang văn minh", "thực hiện nếp sống văn minh"),
        ("Bình dân học vụ số", "phổ cập kỹ năng số cho người dân"),
        ("Tiếp sức học sinh nghèo vượt khó", "khuyến học, khuyến tài"),
        ("Ao làng xanh, sạch", "bảo vệ nguồn nước và ao hồ"),
        ("Cài đặt và sử dụng dịch vụ công trực tuyến", "sử dụng dịch vụ công trực tuyến"),
    ],
    "quoc-phong-an-ninh": [
        ("Tổ tự quản an ninh trật tự", "giữ gìn an ninh trật tự"),
        ("Camera an ninh khu dân cư", "lắp đặt camera an ninh"),
        ("Tiếng kẻng an ninh", "phòng ngừa tội phạm tại khu dân cư"),
        ("Dòng họ không có người vi phạm pháp luật", "giáo dục pháp luật trong dòng họ"),
        ("Khu dân cư an toàn về phòng cháy, chữa cháy", "phòng cháy, chữa cháy"),
        ("Tổ hòa giải ở cơ sở", "hòa giải mâu thuẫn ở cơ sở"),
        ("Ngõ phố bình yên", "xây dựng ngõ phố bình yên"),
        (
            "Giúp người lầm lỗi tái hòa nhập cộng đồng",
            "giúp đỡ người lầm lỗi tái hòa nhập cộng đồng",
        ),
        ("Tổ liên gia an toàn", "liên kết các hộ gia đình tự phòng ngừa"),
        ("Khu dân cư không có ma túy", "phòng, chống ma túy tại cộng đồng"),
        ("Hậu phương vững chắc cho tân binh", "công tác tuyển quân"),
        ("Cổng trường an toàn giao thông", "an toàn giao thông trước cổng trường"),
        ("Phòng, chống lừa đảo qua mạng", "phòng, chống lừa đảo trên không gian mạng"),
    ],
    "xay-dung-dang": [
        ("Nâng cao chất lượng sinh hoạt chi bộ", "nâng cao chất lượng sinh hoạt chi bộ"),
        ("Mỗi đảng viên phụ trách một nhóm hộ", "gắn bó giữa đảng viên với nhân dân"),
        ("Cán bộ trọng dân, gần dân, hiểu dân, giúp dân", "nâng cao thái độ phục vụ nhân dân"),
        ("Đối thoại trực tiếp với nhân dân", "tiếp xúc, đối thoại với nhân dân"),
        ("Một cửa thân thiện", "giải quyết thủ tục hành chính"),
        ("Phát triển đảng viên trong thanh niên", "kết nạp đảng viên trẻ"),
        ("Dân biết, dân bàn, dân làm, dân kiểm tra", "thực hiện dân chủ ở cơ sở"),
        ("Ban Thanh tra nhân dân hoạt động hiệu quả", "phát huy vai trò giám sát của nhân dân"),
        ("Tiếp công dân và giải quyết đơn thư", "tiếp công dân và giải quyết đơn thư"),
        ("Nhóm Zalo kết nối tổ dân phố", "kết nối cấp ủy với nhân dân qua mạng xã hội"),
        ("Nhân dân góp ý xây dựng Đảng, chính quyền", "góp ý xây dựng Đảng, chính quyền"),
    ],
}
QUALIFIERS = ["", "", "", " gắn với xây dựng đô thị văn minh", " gắn với chuyển đổi số"]

# Texts of the registration form: a few sentences with variation, kept short.
PROBLEMS = [
    "người dân chưa thực sự vào cuộc",
    "nhiều hộ còn e ngại, chưa đồng thuận",
    "việc thực hiện còn hình thức, thiếu người phụ trách",
    "nguồn lực của địa phương còn hạn chế",
    "nhân dân phản ánh nhiều tại các buổi tiếp xúc",
    "kết quả chưa đồng đều giữa các khu dân cư",
]
GOALS = [
    "{pct}% hộ gia đình tham gia",
    "{pct}% hộ dân đồng thuận, ký cam kết thực hiện",
    "không để phát sinh điểm nóng, đơn thư vượt cấp",
    "tổ chức ít nhất {n} buổi ra quân mỗi năm",
    "huy động {money} triệu đồng và {days} ngày công",
]
METHODS = [
    "Chi bộ ra nghị quyết chuyên đề, giao đảng viên phụ trách nhóm hộ",
    "Ban công tác Mặt trận phối hợp các chi hội vận động từng hộ",
    "họp dân công khai, bàn bạc dân chủ trước khi triển khai",
    "tổ chức ra mắt, ký cam kết giữa các hộ gia đình",
    "cán bộ, đảng viên gương mẫu đi trước để nhân dân làm theo",
    "sơ kết 6 tháng, biểu dương kịp thời gương người tốt việc tốt",
    "công khai kết quả trên loa truyền thanh và nhóm Zalo khu dân cư",
]
FORCES = [
    "Chi bộ, Ban công tác Mặt trận, các chi hội đoàn thể",
    "Cấp ủy, Ủy ban nhân dân, Mặt trận Tổ quốc và các đoàn thể",
    "Chi hội phụ nữ, chi hội cựu chiến binh, chi đoàn thanh niên",
    "Tổ dân phố, công an khu vực, tổ bảo vệ an ninh trật tự cơ sở",
]
RESULTS = [
    "{pct}% hộ dân tham gia; được nhân dân đồng tình ủng hộ.",
    "Huy động {money} triệu đồng, {days} ngày công; duy trì đều đặn.",
    "Không phát sinh đơn thư; nhiều khu dân cư học tập, làm theo.",
]
REPLICATION_RESULTS = [
    "Triển khai tại {n} khu dân cư, bước đầu có hiệu quả.",
    "{pct}% hộ dân tham gia sau năm đầu thực hiện.",
    "Duy trì đều đặn, được nhân dân ủng hộ.",
    "",
]

# Individual exemplars: their role in the place, and what they did.
HAMLET_ROLES = [
    "Tổ trưởng",
    "Bí thư chi bộ",
    "Trưởng ban công tác Mặt trận",
    "Chi hội trưởng phụ nữ",
    "Chi hội trưởng nông dân",
    "Chi hội trưởng cựu chiến binh",
    "Bí thư chi đoàn",
    "Tổ trưởng tổ hòa giải",
    "đảng viên",
    "người có uy tín",
]
COMMUNE_ROLES = {
    "commune": ["công chức văn hóa – xã hội", "Phó Chủ tịch Ủy ban nhân dân", "Trưởng Công an"],
    "party": ["Phó Bí thư Đảng ủy", "Trưởng ban Xây dựng Đảng", "đảng viên Đảng bộ"],
    "state": ["công chức địa chính", "công chức tư pháp – hộ tịch", "cán bộ Ủy ban nhân dân"],
    "front": [
        "Chủ tịch Hội Cựu chiến binh",
        "Chủ tịch Hội Liên hiệp Phụ nữ",
        "Chủ tịch Hội Nông dân",
        "Bí thư Đoàn Thanh niên",
        "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc",
    ],
}
DEEDS = {
    "kinh-te": [
        "vận động nhân dân hiến đất làm đường",
        "giúp hội viên vay vốn phát triển sản xuất",
        "chuyển đổi cây trồng, vật nuôi",
        "tạo việc làm cho lao động địa phương",
    ],
    "van-hoa-xa-hoi": [
        "vận động xây dựng nhà đại đoàn kết",
        "chăm lo công tác khuyến học",
        "giữ gìn vệ sinh môi trường",
        "chăm lo người cao tuổi, trẻ em khó khăn",
    ],
    "quoc-phong-an-ninh": [
        "hòa giải các vụ việc ở cơ sở",
        "tham gia giữ gìn an ninh trật tự",
        "giúp người lầm lỗi tái hòa nhập cộng đồng",
    ],
    "xay-dung-dang": [
        "giải quyết kịp thời kiến nghị của nhân dân",
        "nâng cao chất lượng sinh hoạt chi bộ",
        "tiếp thu, phản ánh ý kiến của nhân dân",
    ],
}
