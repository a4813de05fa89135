"""Minimal clients for the four simulated systems, written from docs/source-apis.md
(the simulator tests must not use chiso's connectors)."""

from __future__ import annotations

from typing import Any

import requests

TTHC_CLIENT = ("chiso", "tthc-demo-secret")
IOFFICE_KEY = {"X-API-Key": "ioffice-demo-key"}
LRIS_AUTH = ("chiso", "lris-demo-password")
NDXP_AUTH = {"Authorization": "Bearer ndxp-demo-token"}

# Source fields per endpoint, exactly as docs/source-apis.md lists them.
FIELDS: dict[str, list[str]] = {
    "/tthc/api/donvi": ["MaDonVi", "TenDonVi", "CapDonVi", "MaDonViCha", "NgayHieuLuc",
                        "NgayHetHieuLuc", "NgayCapNhat"],
    "/tthc/api/thutuc": ["MaTTHC", "TenTTHC", "CapThucHien", "MaCoQuan", "MucDo",
                         "DuDieuKienToanTrinh", "CoNghiaVuTaiChinh", "ThanhToanTrucTuyen",
                         "DaTichHopDVCQG", "HoTroHoiDap", "KySoDiDong", "LienThong",
                         "NgayCapNhat"],
    "/tthc/api/hoso": ["MaHoSo", "MaTTHC", "MaDonViXuLy", "KenhNop", "NgayTiepNhan",
                       "NgayHenTra", "NgayKetThuc", "TrangThai", "DaSoHoa", "CoKetQuaDienTu",
                       "DaThanhToanTrucTuyen", "QuaMotCua", "CongKhaiTrangThai",
                       "NgayCapNhat"],
    "/tthc/api/giaodich": ["MaGiaoDich", "MaHoSo", "SoTien", "ThoiGianThanhToan",
                           "KenhThanhToan", "NgayCapNhat"],
    "/ioffice/api/v1/van-ban-den": ["id", "soKyHieu", "ngayDen", "donViNhan", "donViGui",
                                    "doMat", "hinhThuc", "xuLyTrenMang", "quaTrucLienThong",
                                    "trinhLanhDao", "lanhDaoChiDao", "kySo", "ngayCapNhat"],
    "/ioffice/api/v1/van-ban-di": ["id", "soKyHieu", "ngayBanHanh", "donViBanHanh", "doMat",
                                   "hinhThuc", "kySo", "quaTrucLienThong", "trinhLanhDao",
                                   "lanhDaoDuyet", "kySoCoQuan", "kySoLanhDao", "nguoiKy",
                                   "ngayCapNhat"],
    "/ioffice/api/v1/ho-so-cong-viec": ["id", "donVi", "ngayTao", "doMat", "xuLyTrenMang",
                                        "ngayCapNhat"],
    "/ioffice/api/v1/don-vi-lien-thong": ["maDonVi", "ketNoi4Cap", "ketNoiTrucQuocGia",
                                          "ngayKetNoi", "ngayCapNhat"],
    "/lris/api/che-do-bao-cao": ["ma_che_do", "ten_che_do", "ky_bao_cao", "ket_noi_chinh_phu",
                                 "ngay_cap_nhat"],
    "/lris/api/bao-cao": ["ma_bao_cao", "ma_che_do", "ma_don_vi", "ky", "han_nop",
                          "thoi_gian_nop", "gui_qua_lris", "day_du", "gui_chinh_phu",
                          "ngay_cap_nhat"],
    "/ndxp/api/dich-vu-du-lieu": ["maDichVu", "tenDichVu", "boNganhCungCap", "trangThai",
                                  "tuNgay"],
    "/ndxp/api/ung-dung": ["maUngDung", "tenUngDung", "coDuLieuDungChung", "canKetNoiLGSP",
                           "daKetNoiLGSP", "tuNgay"],
    # Added for ITA-2018.
    "/tthc/api/thutuc-donvi": ["MaApDung", "MaDonVi", "MaTTHC", "NgayCauHinhMotCua",
                               "CongKhaiTrucTuyen", "NgayCapNhat"],
    "/tthc/api/motcua-donvi": ["MaDonVi", "HinhThucTrienKhai", "NgayTrienKhai",
                               "DanhGiaHaiLong", "NgayBatDauDanhGia", "NgayCapNhat"],
    "/tthc/api/phananh": ["MaPhanAnh", "MaDonVi", "NgayGui", "NgayTraLoi", "NgayCapNhat"],
    "/tthc/api/lienthong": ["MaLienThong", "MaHoSo", "DonViGui", "DonViNhan", "NgayGui",
                            "GuiTrucTuyen", "NgayCapNhat"],
    "/ioffice/api/v1/don-vi-truc-thuoc": ["maDonVi", "tenDonVi", "maDonViCha", "loaiDonVi",
                                          "ngaySuDung", "ngayCapNhat"],
    "/ioffice/api/v1/thong-ke-su-dung": ["id", "maDonVi", "thang", "vanBanDen", "vanBanDi",
                                         "taiKhoanCongChuc", "congChucThuongXuyen",
                                         "taiKhoanVienChuc", "vienChucThuongXuyen",
                                         "taiKhoanKhongChuyenTrach",
                                         "khongChuyenTrachThuongXuyen", "ngayCapNhat"],
    "/lris/api/so-lieu-thong-ke": ["ma_so_lieu", "ma_chi_tieu", "ma_don_vi", "ky", "gia_tri",
                                   "ngay_cap_nhat"],
    "/lris/api/bao-cao-cntt": ["ma_ho_so", "ma_don_vi", "loai_bao_cao", "ky", "so_ky_hieu",
                               "ngay_ban_hanh", "duong_dan", "thoi_gian_nop", "ngay_cap_nhat"],
    "/ndxp/api/ket-noi-don-vi": ["maKetNoi", "maDonVi", "heThong", "tuNgay", "denNgay"],
    "/ndxp/api/dan-cu-so-hoa": ["maSoLieu", "maDonVi", "ngayChot", "soDanSoHoa"],
}


def tthc_token(session: requests.Session, base_url: str) -> str:
    """A fresh TTHC access token."""
    answer = session.post(f"{base_url}/tthc/oauth/token",
                          data={"grant_type": "client_credentials"}, auth=TTHC_CLIENT,
                          timeout=10)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def tthc_pages(session: requests.Session, base_url: str, path: str,
               **params: Any) -> list[dict[str, Any]]:
    """Every page of a TTHC listing, as answered."""
    headers = {"Authorization": f"Bearer {tthc_token(session, base_url)}"}
    pages, page = [], 0
    while True:
        answer = session.get(f"{base_url}/tthc{path}", params={**params, "page": page},
                             headers=headers, timeout=30)
        answer.raise_for_status()
        body = answer.json()
        pages.append(body)
        page += 1
        if page >= body["totalPages"]:
            return pages


def tthc_all(session: requests.Session, base_url: str, path: str,
             **params: Any) -> list[dict[str, Any]]:
    """Every record of a TTHC listing."""
    return [r for body in tthc_pages(session, base_url, path, **params) for r in body["content"]]


def ioffice_all(session: requests.Session, base_url: str, path: str,
                **params: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Every record of an iOffice listing, and the `next` URLs followed."""
    answer = session.get(f"{base_url}/ioffice{path}", params=params, headers=IOFFICE_KEY,
                         timeout=30)
    records: list[dict[str, Any]] = []
    followed: list[str] = []
    while True:
        answer.raise_for_status()
        body = answer.json()
        records += body["data"]
        if body["next"] is None:
            return records, followed
        followed.append(body["next"])
        answer = session.get(body["next"], headers=IOFFICE_KEY, timeout=30)


def lris_all(session: requests.Session, base_url: str, path: str,
             **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every record of an LRIS listing, and the number of pages."""
    answer = session.get(f"{base_url}/lris{path}", params=params, auth=LRIS_AUTH, timeout=30)
    records, pages = [], 0
    while True:
        answer.raise_for_status()
        records += answer.json()
        pages += 1
        link = answer.links.get("next")
        if link is None:
            return records, pages
        answer = session.get(link["url"], auth=LRIS_AUTH, timeout=30)
