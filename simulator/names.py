"""Names and codes of the synthetic province, modelled on An Giang before 2025.

Static catalogues only: which unit exists and what it is called. Everything random
lives in `simulator.province`.
"""

from __future__ import annotations

PROVINCE_CODE = "89"
PROVINCE_NAME = "UBND tỉnh An Giang"

# (NN, name, abbreviation used in document reference numbers)
DEPARTMENTS: tuple[tuple[int, str, str], ...] = (
    (1, "Văn phòng UBND tỉnh", "VPUBND"),
    (2, "Sở Nội vụ", "SNV"),
    (3, "Sở Tư pháp", "STP"),
    (4, "Sở Kế hoạch và Đầu tư", "SKHĐT"),
    (5, "Sở Tài chính", "STC"),
    (6, "Sở Công Thương", "SCT"),
    (7, "Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
    (8, "Sở Giao thông vận tải", "SGTVT"),
    (9, "Sở Xây dựng", "SXD"),
    (10, "Sở Tài nguyên và Môi trường", "STNMT"),
    (11, "Sở Thông tin và Truyền thông", "STTTT"),
    (12, "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    (14, "Sở Khoa học và Công nghệ", "SKHCN"),
    (15, "Sở Giáo dục và Đào tạo", "SGDĐT"),
    (16, "Sở Y tế", "SYT"),
    (17, "Thanh tra tỉnh", "TTr"),
    (18, "Ban Dân tộc", "BDT"),
    (19, "Sở Ngoại vụ", "SNgV"),
    (20, "Ban Quản lý Khu kinh tế", "BQLKKT"),
)

# (code, kind, name); kind is the word used in office names ("thành phố", "thị xã", "huyện")
DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("883", "thành phố", "Long Xuyên"),
    ("884", "thành phố", "Châu Đốc"),
    ("886", "huyện", "An Phú"),
    ("887", "thị xã", "Tân Châu"),
    ("888", "huyện", "Phú Tân"),
    ("889", "huyện", "Châu Phú"),
    ("890", "thị xã", "Tịnh Biên"),
    ("891", "huyện", "Tri Tôn"),
    ("892", "huyện", "Châu Thành"),
    ("893", "huyện", "Chợ Mới"),
    ("894", "huyện", "Thoại Sơn"),
)

# The 12 specialised offices of every district People's Committee: (PNN, name, abbreviation)
DISTRICT_OFFICES: tuple[tuple[str, str, str], ...] = (
    ("P01", "Phòng Nội vụ", "PNV"),
    ("P02", "Phòng Tư pháp", "PTP"),
    ("P03", "Phòng Tài chính - Kế hoạch", "PTCKH"),
    ("P04", "Phòng Tài nguyên và Môi trường", "PTNMT"),
    ("P05", "Phòng Lao động - Thương binh và Xã hội", "PLĐTBXH"),
    ("P06", "Phòng Văn hóa và Thông tin", "PVHTT"),
    ("P07", "Phòng Giáo dục và Đào tạo", "PGDĐT"),
    ("P08", "Phòng Y tế", "PYT"),
    ("P09", "Thanh tra", "TTr"),
    ("P10", "Văn phòng HĐND và UBND", "VP"),
    ("P11", "Phòng Kinh tế và Hạ tầng", "PKTHT"),
    ("P12", "Phòng Nông nghiệp và Phát triển nông thôn", "PNN"),
)

# Current communes (wards, townships, communes) per district, in code order.
COMMUNES: dict[str, tuple[str, ...]] = {
    "883": (
        "Phường Mỹ Bình", "Phường Mỹ Long", "Phường Mỹ Xuyên", "Phường Đông Xuyên",
        "Phường Mỹ Phước", "Phường Mỹ Quý", "Phường Mỹ Thới", "Phường Mỹ Thạnh",
        "Phường Bình Khánh", "Phường Bình Đức", "Phường Mỹ Hòa", "Xã Mỹ Hòa Hưng",
        "Xã Mỹ Khánh",
    ),
    "884": (
        "Phường Châu Phú A", "Phường Châu Phú B", "Phường Núi Sam", "Phường Vĩnh Mỹ",
        "Phường Vĩnh Ngươn", "Xã Vĩnh Châu", "Xã Vĩnh Tế",
    ),
    "886": (
        "Thị trấn An Phú", "Thị trấn Long Bình", "Xã Khánh An", "Xã Khánh Bình",
        "Xã Quốc Thái", "Xã Nhơn Hội", "Xã Phú Hữu", "Xã Phú Hội", "Xã Phước Hưng",
        "Xã Vĩnh Lộc", "Xã Vĩnh Hậu", "Xã Vĩnh Trường", "Xã Vĩnh Hội Đông", "Xã Đa Phước",
    ),
    "887": (
        "Phường Long Thạnh", "Phường Long Hưng", "Phường Long Châu", "Phường Long Phú",
        "Phường Long Sơn", "Xã Phú Lộc", "Xã Vĩnh Xương", "Xã Vĩnh Hòa", "Xã Tân Thạnh",
        "Xã Tân An", "Xã Long An", "Xã Châu Phong", "Xã Phú Vĩnh", "Xã Lê Chánh",
    ),
    "888": (
        "Thị trấn Phú Mỹ", "Thị trấn Chợ Vàm", "Xã Long Hòa", "Xã Phú Long", "Xã Phú Lâm",
        "Xã Phú Hiệp", "Xã Phú Thạnh", "Xã Hòa Lạc", "Xã Phú Thành", "Xã Phú An",
        "Xã Phú Xuân", "Xã Hiệp Xương", "Xã Phú Bình", "Xã Phú Hưng", "Xã Phú Thọ",
        "Xã Tân Hòa", "Xã Tân Trung", "Xã Bình Thạnh Đông",
    ),
    "889": (
        "Thị trấn Cái Dầu", "Thị trấn Vĩnh Thạnh Trung", "Xã Khánh Hòa", "Xã Mỹ Đức",
        "Xã Mỹ Phú", "Xã Ô Long Vỹ", "Xã Thạnh Mỹ Tây", "Xã Bình Long", "Xã Bình Mỹ",
        "Xã Bình Thủy", "Xã Đào Hữu Cảnh", "Xã Bình Phú", "Xã Bình Chánh",
    ),
    "890": (
        "Phường Nhà Bàng", "Phường Chi Lăng", "Phường Núi Voi", "Phường Nhơn Hưng",
        "Phường An Phú", "Phường Thới Sơn", "Phường Tịnh Biên", "Xã Văn Giáo", "Xã An Cư",
        "Xã An Nông", "Xã Vĩnh Trung", "Xã Tân Lợi", "Xã An Hảo", "Xã Tân Lập",
    ),
    "891": (
        "Thị trấn Tri Tôn", "Thị trấn Ba Chúc", "Xã Lạc Quới", "Xã Lê Trì", "Xã Vĩnh Gia",
        "Xã Vĩnh Phước", "Xã Châu Lăng", "Xã Lương Phi", "Xã Lương An Trà", "Xã Tà Đảnh",
        "Xã Núi Tô", "Xã An Tức", "Xã Cô Tô", "Xã Tân Tuyến", "Xã Ô Lâm",
    ),
    "892": (
        "Thị trấn An Châu", "Xã An Hòa", "Xã Cần Đăng", "Xã Vĩnh Hanh", "Xã Bình Thạnh",
        "Xã Vĩnh Bình", "Xã Bình Hòa", "Xã Vĩnh An", "Xã Hòa Bình Thạnh", "Xã Vĩnh Lợi",
        "Xã Vĩnh Nhuận", "Xã Tân Phú", "Xã Vĩnh Thành",
    ),
    "893": (
        "Thị trấn Chợ Mới", "Thị trấn Mỹ Luông", "Thị trấn Hội An", "Xã Kiến An",
        "Xã Mỹ Hội Đông", "Xã Long Điền A", "Xã Tấn Mỹ", "Xã Long Điền B", "Xã Kiến Thành",
        "Xã Mỹ Hiệp", "Xã Mỹ An", "Xã Nhơn Mỹ", "Xã Long Giang", "Xã Long Kiến",
        "Xã Bình Phước Xuân", "Xã An Thạnh Trung", "Xã Hòa Bình", "Xã Hòa An",
    ),
    "894": (
        "Thị trấn Núi Sập", "Thị trấn Phú Hòa", "Thị trấn Óc Eo", "Xã Tây Phú", "Xã An Bình",
        "Xã Vĩnh Phú", "Xã Vĩnh Trạch", "Xã Phú Thuận", "Xã Vĩnh Chánh", "Xã Định Mỹ",
        "Xã Định Thành", "Xã Mỹ Phú Đông", "Xã Vọng Đông", "Xã Vĩnh Khánh", "Xã Thoại Giang",
        "Xã Bình Thành", "Xã Vọng Thê",
    ),
}

# Communes that ceased on 2020-01-01: (district, old name, name of the commune that replaced
# or absorbed it). The successor's valid_from is 2020-01-01 when it is a new unit
# (a township replacing a commune), unchanged when it absorbed the old one.
MERGED_2020: tuple[tuple[str, str, str, bool], ...] = (
    ("893", "Xã Hội An", "Thị trấn Hội An", True),
    ("894", "Xã Óc Eo", "Thị trấn Óc Eo", True),
    ("893", "Xã Long Điền", "Xã Long Điền A", False),
)

# Central agencies that send documents to the province: (code, abbreviation)
CENTRAL_AGENCIES: tuple[tuple[str, str], ...] = (
    ("000.00.00.G01", "VPCP"),
    ("000.00.00.G02", "BNV"),
    ("000.00.00.G03", "BTP"),
    ("000.00.00.G04", "BKHĐT"),
    ("000.00.00.G05", "BTC"),
    ("000.00.00.G06", "BCT"),
    ("000.00.00.G07", "BNNPTNT"),
    ("000.00.00.G08", "BGTVT"),
    ("000.00.00.G09", "BXD"),
    ("000.00.00.G10", "BTNMT"),
    ("000.00.00.G11", "BTTTT"),
    ("000.00.00.G12", "BLĐTBXH"),
    ("000.00.00.G13", "BYT"),
    ("000.00.00.G14", "BGDĐT"),
    ("000.00.00.G15", "BCA"),
)

# Document types in reference numbers ("" = official letter, which carries none)
DOCUMENT_TYPES: tuple[str, ...] = ("", "QĐ", "KH", "BC", "TB", "TTr", "GM", "CV")
DOCUMENT_TYPE_WEIGHTS: tuple[float, ...] = (0.42, 0.14, 0.08, 0.12, 0.08, 0.06, 0.06, 0.04)

PROCEDURE_ACTIONS: tuple[str, ...] = (
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đăng ký",
    "Thẩm định", "Công nhận", "Xác nhận", "Phê duyệt", "Thay đổi nội dung",
)
PROCEDURE_OBJECTS: tuple[str, ...] = (
    "giấy phép xây dựng", "giấy chứng nhận quyền sử dụng đất", "giấy phép kinh doanh vận tải",
    "chứng chỉ hành nghề khám bệnh, chữa bệnh", "giấy phép lái xe",
    "giấy chứng nhận đăng ký hộ kinh doanh", "giấy phép hoạt động giáo dục",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm", "giấy phép khai thác nước mặt",
    "giấy phép môi trường", "giấy phép bán lẻ rượu", "giấy phép tổ chức biểu diễn nghệ thuật",
    "giấy phép lao động cho người nước ngoài", "chứng chỉ hành nghề dược",
    "giấy chứng nhận đăng ký doanh nghiệp", "giấy phép hoạt động điện lực",
    "giấy chứng nhận cơ sở đủ điều kiện chăn nuôi", "chứng chỉ hành nghề xây dựng",
    "giấy phép xuất bản bản tin", "giấy phép thiết lập trang thông tin điện tử tổng hợp",
    "quyết định thành lập hội", "trợ cấp xã hội hằng tháng", "chế độ người có công",
    "hợp đồng mua bán nhà ở", "phương án sử dụng đất", "dự án đầu tư",
    "điều lệ quỹ xã hội, quỹ từ thiện", "giấy phép quảng cáo", "văn bằng, chứng chỉ",
    "phiếu lý lịch tư pháp", "khai sinh", "khai tử", "kết hôn", "thay đổi, cải chính hộ tịch",
    "chứng thực bản sao từ bản chính", "chứng thực chữ ký", "giám hộ", "nhận cha, mẹ, con",
    "tình trạng hôn nhân", "hỗ trợ thiệt hại thiên tai",
)

REPORT_TOPICS: tuple[str, ...] = (
    "tình hình kinh tế - xã hội", "công tác cải cách hành chính",
    "kết quả giải quyết thủ tục hành chính", "công tác phòng, chống tham nhũng",
    "tình hình thực hiện dự toán ngân sách", "giải ngân vốn đầu tư công",
    "công tác tiếp công dân, giải quyết khiếu nại, tố cáo", "công tác thanh tra",
    "tình hình chuyển đổi số", "công tác bảo đảm an toàn thông tin",
    "tình hình sản xuất nông nghiệp", "công tác phòng, chống thiên tai",
    "tình hình dịch bệnh", "công tác khám, chữa bệnh", "tình hình lao động, việc làm",
    "công tác giảm nghèo", "tình hình trật tự an toàn giao thông",
    "công tác quản lý tài nguyên, môi trường",
    "công tác thi hành pháp luật về xử lý vi phạm hành chính",
    "công tác văn thư, lưu trữ", "công tác thi đua, khen thưởng",
    "tình hình thực hiện chính sách dân tộc", "công tác giáo dục và đào tạo",
    "hoạt động xuất nhập khẩu", "tình hình phát triển doanh nghiệp",
    "công tác quản lý giá", "công tác xây dựng nông thôn mới",
    "tình hình thực hiện Đề án 06", "công tác kiểm soát thủ tục hành chính",
    "công tác phổ biến, giáo dục pháp luật", "tình hình quản lý cán bộ, công chức",
)
REPORT_PERIOD_WORDS: dict[str, str] = {"thang": "hằng tháng", "quy": "hằng quý", "nam": "hằng năm"}

# NDXP data services: (name, providing ministry)
DATA_SERVICES: tuple[tuple[str, str], ...] = (
    ("Cơ sở dữ liệu quốc gia về dân cư - xác thực thông tin công dân", "Bộ Công an"),
    ("Hệ thống định danh và xác thực điện tử VNeID", "Bộ Công an"),
    ("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", "Bộ Kế hoạch và Đầu tư"),
    ("Cơ sở dữ liệu hộ tịch điện tử toàn quốc", "Bộ Tư pháp"),
    ("Cơ sở dữ liệu lý lịch tư pháp", "Bộ Tư pháp"),
    ("Cơ sở dữ liệu quốc gia về bảo hiểm", "Bảo hiểm xã hội Việt Nam"),
    ("Cơ sở dữ liệu quốc gia về đất đai", "Bộ Tài nguyên và Môi trường"),
    ("Hệ thống thuế điện tử - tra cứu nghĩa vụ tài chính", "Bộ Tài chính"),
    ("Cấp mã số đơn vị có quan hệ với ngân sách", "Bộ Tài chính"),
    ("Cơ sở dữ liệu quốc gia về giá", "Bộ Tài chính"),
    ("Hệ thống quản lý giấy phép lái xe", "Bộ Giao thông vận tải"),
    ("Cơ sở dữ liệu đăng kiểm phương tiện", "Bộ Giao thông vận tải"),
    ("Cơ sở dữ liệu người có công", "Bộ Lao động - Thương binh và Xã hội"),
    ("Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức", "Bộ Nội vụ"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "Bộ Tư pháp"),
    ("Nền tảng thanh toán trực tuyến", "Văn phòng Chính phủ"),
    ("Hệ thống thông tin báo cáo Chính phủ", "Văn phòng Chính phủ"),
    ("Cơ sở dữ liệu ngành giáo dục - văn bằng, chứng chỉ", "Bộ Giáo dục và Đào tạo"),
    ("Cơ sở dữ liệu khám, chữa bệnh bảo hiểm y tế", "Bộ Y tế"),
    ("Cơ sở dữ liệu cư trú", "Bộ Công an"),
)

# Provincial applications: (name, holds shared data, needs LGSP exchange)
SHARED_DATA_APPS: tuple[tuple[str, bool, bool], ...] = (
    ("Hệ thống quản lý văn bản và điều hành", True, True),
    ("Hệ thống thông tin giải quyết thủ tục hành chính", True, True),
    ("Hệ thống thông tin báo cáo tỉnh", True, True),
    ("Cổng thông tin điện tử tỉnh", True, False),
    ("Hệ thống thư điện tử công vụ", False, False),
    ("Phần mềm quản lý cán bộ, công chức, viên chức", True, True),
    ("Cơ sở dữ liệu đất đai tỉnh", True, True),
    ("Hệ thống quản lý hộ tịch", True, True),
    ("Hệ thống quản lý đầu tư công", True, True),
    ("Phần mềm quản lý tài sản công", True, True),
    ("Cơ sở dữ liệu doanh nghiệp tỉnh", True, True),
    ("Hệ thống giám sát môi trường tự động", True, True),
    ("Cơ sở dữ liệu ngành giáo dục", True, True),
    ("Hệ thống thông tin y tế cơ sở", True, True),
    ("Cơ sở dữ liệu an sinh xã hội", True, True),
    ("Hệ thống quản lý giao thông thông minh", True, True),
    ("Cơ sở dữ liệu nông nghiệp", True, True),
    ("Hệ thống camera giám sát an ninh trật tự", True, False),
    ("Cơ sở dữ liệu văn hóa, du lịch", True, True),
    ("Hệ thống một cửa điện tử cấp xã", True, True),
    ("Cơ sở dữ liệu quy hoạch xây dựng", True, True),
    ("Hệ thống phản ánh, kiến nghị của người dân", True, True),
    ("Hệ thống hội nghị truyền hình", False, False),
    ("Cơ sở dữ liệu khoa học và công nghệ", True, True),
    ("Hệ thống quản lý thanh tra, khiếu nại, tố cáo", True, True),
    ("Cơ sở dữ liệu lao động, việc làm", True, True),
    ("Cơ sở dữ liệu chuyên ngành tư pháp", True, True),
    ("Hệ thống trung tâm điều hành thông minh (IOC)", True, True),
    ("Hệ thống quản lý tài chính - ngân sách", True, True),
    ("Cơ sở dữ liệu tài nguyên nước", True, True),
    ("Kho dữ liệu dùng chung tỉnh", True, True),
)

# Working days off in Vietnam (weekdays only matter; np.busday handles weekends).
HOLIDAYS: tuple[str, ...] = (
    "2019-01-01", "2019-02-04", "2019-02-05", "2019-02-06", "2019-02-07", "2019-02-08",
    "2019-04-15", "2019-04-29", "2019-04-30", "2019-05-01", "2019-09-02",
    "2020-01-01", "2020-01-23", "2020-01-24", "2020-01-27", "2020-01-28", "2020-01-29",
    "2020-04-02", "2020-04-30", "2020-05-01", "2020-09-02",
    "2021-01-01", "2021-02-10", "2021-02-11", "2021-02-12", "2021-02-15", "2021-02-16",
    "2021-04-21", "2021-04-30", "2021-05-03", "2021-09-02", "2021-09-03",
    "2022-01-03", "2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03", "2022-02-04",
    "2022-04-11", "2022-05-02", "2022-05-03", "2022-09-01", "2022-09-02",
    "2023-01-02", "2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26",
    "2023-05-01", "2023-05-02", "2023-05-03", "2023-09-01", "2023-09-04",
    "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
    "2024-04-18", "2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03",
    "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
    "2025-04-07", "2025-04-30", "2025-05-01", "2025-09-01", "2025-09-02",
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
    "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
)

# Affiliated units of a department (đơn vị trực thuộc) and public service units of a
# district (đơn vị sự nghiệp), as iOffice's organisation tree names them: kind words,
# numbered within their parent.
DEPARTMENT_AFFILIATE_KINDS: tuple[str, ...] = (
    "Chi cục", "Trung tâm Dịch vụ", "Trung tâm Kỹ thuật", "Ban Quản lý dự án",
    "Trung tâm Thông tin", "Trung tâm Tư vấn",
)
DISTRICT_SERVICE_UNIT_KINDS: tuple[str, ...] = (
    "Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trung tâm Văn hóa - Thể thao",
    "Ban Quản lý dự án đầu tư xây dựng", "Trung tâm Giáo dục nghề nghiệp",
    "Đài Truyền thanh", "Ban Quản lý chợ",
)
