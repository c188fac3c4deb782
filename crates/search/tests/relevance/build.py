#!/usr/bin/env python3
"""Builds catalog.csv and queries.tsv of the catalogue-search relevance set.

Inputs:
  products.txt  hand-written products: tags|name|producer|legacy province|set|stars|description
                (the province is the one the producer was registered in before 1 July 2025)
  ../../../../data/admin-units/{units-legacy,units-2025,legacy-to-2025}.csv
                the legacy -> 2025 province of each product is derived from the ward mapping
                (every legacy province maps to exactly one 2025 province; checked below)

Judgments are written by hand as rules over the product *type* tags (first field of
products.txt, assigned by reading each product), the origin province and a few names:
grade 3 = exactly what the shopper asked, 2 = clearly relevant (right type, wrong
region/brand), 1 = marginal. A rule never matches on the query string itself.

Usage: python3 build.py [--review]   (--review prints every query with its judged products)
"""
import csv
import os
import random
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "data", "admin-units"))

SETS_CSV = os.path.normpath(os.path.join(HERE, "..", "..", "..", "domain", "data", "ocop", "sets.csv"))
# product set -> group, as in crates/domain/data/ocop/sets.csv (decision 148 numbering; read from
# that file when present, this copy is only the fallback): 1 fresh produce, 2 processed produce,
# nuts and oils, 3 rice and cereals (noodles, rice paper), 4 honey, 5 fresh meat/eggs/milk,
# 6 processed meat, 7 fresh fish, 8 processed seafood, 9 sauces and spices, 10 sugar, cakes,
# jams, sweets, 11 tea, 12 herbal teas, 13 coffee/cocoa, 14 white spirits, 15 other alcohol,
# 16 non-alcoholic drinks, 17 medicinal herbs, 18 functional foods, 19 herbal cosmetics,
# 20 essential oils, 21 household/decorative handicrafts, 22 textiles, 23 flowers,
# 24 ornamental plants, 25 ornamental animals, 26 tourism
FALLBACK_GROUPS = [(1, 10, "thuc_pham"), (11, 16, "do_uong"), (17, 20, "duoc_lieu"),
                   (21, 22, "thu_cong_my_nghe"), (23, 25, "sinh_vat_canh"), (26, 26, "du_lich")]


def set_groups():
    if os.path.exists(SETS_CSV):
        with open(SETS_CSV, encoding="utf-8") as f:
            return {int(r["number"]): r["group"] for r in csv.DictReader(f)}
    return {n: g for lo, hi, g in FALLBACK_GROUPS for n in range(lo, hi + 1)}


SET_GROUP = set_groups()


def group_of(set_no):
    return SET_GROUP[set_no]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def province_mapping():
    """legacy short name -> (legacy code, 2025 code, 2025 short name), from the ward mapping."""
    p25, pleg = {}, {}
    with open(os.path.join(ADMIN, "units-2025.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            p25[r["province_code"]] = nfc(r["province_short"])
    with open(os.path.join(ADMIN, "units-legacy.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            pleg[r["province_code"]] = nfc(r["province_short"])
    targets = {}
    with open(os.path.join(ADMIN, "legacy-to-2025.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            targets.setdefault(r["legacy_province_code"], set()).add(r["province_code_2025"])
    out = {}
    for code, name in pleg.items():
        t = targets[code]
        if len(t) != 1:
            sys.exit(f"legacy province {name} ({code}) maps to several 2025 provinces: {sorted(t)}")
        (c25,) = t
        out[name] = (code, c25, p25[c25])
    return out


class P:
    """One product, with the attributes the judgment rules use."""

    def __init__(self, tags, name, producer, legacy, set_no, stars, desc, mapping):
        self.tags = set(tags.split())
        self.type = tags.split()[0]
        self.name, self.producer, self.desc = name, producer, desc
        self.origin = legacy  # province before July 2025 (short name)
        _, self.pcode, self.prov = mapping[legacy]  # 2025 province
        self.legacy = legacy if legacy != self.prov else ""
        self.set_no, self.stars = int(set_no), int(stars)
        self.group = group_of(self.set_no)
        self.code = None


def load_products(mapping):
    prods = []
    with open(os.path.join(HERE, "products.txt"), encoding="utf-8") as f:
        for line in f:
            line = nfc(line.rstrip("\n"))
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("|")
            assert len(fields) == 7, line
            prods.append(P(*fields, mapping))
    names = [p.name for p in prods]
    assert len(names) == len(set(names)), "duplicate product names"
    # catalogue order is not grouped by type: shuffle once with a fixed seed
    random.Random(20250701).shuffle(prods)
    for i, p in enumerate(prods, 1):
        p.code = f"P{i:04d}"
    return prods


# ---------------------------------------------------------------- rule helpers
def T(*tags):
    return lambda p: bool(p.tags & set(tags))


def _has(text, sub):  # whole-word phrase, accent-sensitive, case-insensitive ("khô" is not in "không")
    return re.search(r"(?<!\w)" + re.escape(sub.lower()) + r"(?!\w)", text.lower()) is not None


def N(*subs):  # name contains
    return lambda p: any(_has(p.name, s) for s in subs)


def ND(*subs):  # name or description contains
    return lambda p: any(_has(p.name + " " + p.desc, s) for s in subs)


def O(*provs):  # origin (legacy) province
    return lambda p: p.origin in provs


def V(*provs):  # 2025 province
    return lambda p: p.prov in provs


def A(*fs):
    return lambda p: all(f(p) for f in fs)


def NOT(f):
    return lambda p: not f(p)


ANY = lambda p: True  # noqa: E731

MAM = T("mam_tom", "mam_ruoc", "mam_nem", "mam_ca")
TEA = T("che")
COFFEE = T("ca_phe")
RICE = T("gao")
HONEY = T("mat_ong")
FRESH_LYCHEE = A(T("vai"), NOT(N("sấy")))
VAI_THIEU = A(T("vai"), N("Vải thiều"))
SHAN = A(TEA, ND("Shan tuyết"))
ST25 = A(RICE, N("ST25"))
ROBUSTA = A(COFFEE, ND("Robusta", "Culi"))

# each query: (kind, query, [(grade, rule), ...]); the first rule a product satisfies gives its grade
S = {}  # shared judgment specs, so the same intent gets the same grades whatever the spelling
S["nuoc_mam_pq"] = [(3, A(T("nuoc_mam"), ND("Phú Quốc"))), (2, T("nuoc_mam")), (1, T("nuoc_cham_chay", "mam_nem"))]
S["nuoc_mam"] = [(3, T("nuoc_mam")), (1, T("nuoc_cham_chay", "mam_nem"))]
S["shan"] = [(3, SHAN), (2, TEA), (1, T("tra_hoa_vang"))]
S["shan_sg"] = [(3, A(SHAN, N("Suối Giàng"))), (2, SHAN), (1, TEA)]
S["st25"] = [(3, ST25), (2, A(RICE, N("ST24"))), (1, RICE)]
S["st"] = [(3, A(RICE, N("ST25", "ST24"))), (1, RICE)]
S["st25_soc_trang"] = [(3, A(ST25, O("Sóc Trăng"))), (2, A(RICE, N("ST25", "ST24"))), (1, RICE)]
S["mo_nhan"] = [(3, A(HONEY, N("hoa nhãn"))), (2, HONEY)]
S["mo_nhan_hy"] = [(3, A(HONEY, N("hoa nhãn"), V("Hưng Yên"))), (2, A(HONEY, N("hoa nhãn"))), (1, HONEY)]
S["robusta"] = [(3, ROBUSTA), (2, COFFEE)]
S["bmt"] = [(3, A(COFFEE, N("Buôn Ma Thuột"))), (2, COFFEE)]
S["banh_da_nem"] = [(3, T("banh_da_nem")), (2, T("banh_trang")), (1, T("banh_da"))]
S["mien_dong"] = [(3, T("mien")), (1, T("bun_pho"))]
S["mien_bl"] = [(3, A(T("mien"), N("Bình Liêu"))), (2, T("mien")), (1, T("bun_pho"))]
S["bat_trang"] = [(3, A(T("gom"), N("Bát Tràng"))), (2, T("gom"))]
S["van_phuc"] = [(3, N("Lụa Vạn Phúc")), (2, T("lua_silk")), (1, T("theu", "tho_cam"))]
S["non_la"] = [(3, A(T("non"), N("Nón lá"))), (2, T("non"))]
S["vai_thieu"] = [(3, A(FRESH_LYCHEE, N("Vải thiều"))), (2, T("vai"))]
S["tuong_ban"] = [(3, N("Tương Bần")), (2, T("tuong")), (1, T("tuong_ot", "xi_dau"))]
S["kho_ca_loc"] = [(3, A(T("kho_ca"), N("cá lóc"))), (2, T("kho_ca")), (1, A(T("mam_ca"), N("cá lóc")))]
S["bau_da"] = [(3, N("Rượu Bàu Đá")), (2, T("ruou_trang"))]
S["dai_bai"] = [(3, N("Mâm đồng Đại Bái")), (2, A(T("mam_tray"), N("Mâm đồng"))), (1, T("mam_tray", "dong"))]
S["cao_phong"] = [(3, N("Cam Cao Phong")), (2, T("cam")), (1, T("quyt"))]
S["buoi_dien"] = [(3, N("Bưởi Diễn")), (2, T("buoi"))]
S["da_lat"] = [(3, ND("Đà Lạt")), (2, O("Lâm Đồng"))]
S["duong_phen"] = [(3, N("Đường phèn")), (2, T("duong")), (1, T("mat_mia"))]
S["dau_phu"] = [(3, N("Đậu phụ")), (2, T("dau_phu"))]
S["chu_dau"] = [(3, N("Chu Đậu")), (2, T("gom"))]
S["tram"] = [(3, N("Tinh dầu tràm")), (2, T("tinh_dau"))]
S["keo_dua"] = [(3, N("Kẹo dừa")), (2, T("keo")), (1, N("Mứt dừa"))]
S["vai_thanh_ha"] = [(3, A(FRESH_LYCHEE, N("Thanh Hà"))), (2, T("vai"))]
S["mam_tom_hl"] = [(3, N("Mắm tôm Hậu Lộc")), (2, A(T("mam_tom"), NOT(N("chua")))), (1, T("mam_tom", "mam_ruoc"))]

Q = [
    # ---- accented: correctly typed Vietnamese
    ("accented", "nước mắm phú quốc", S["nuoc_mam_pq"]),
    ("accented", "chè shan tuyết", S["shan"]),
    ("accented", "gạo st25", S["st25"]),
    ("accented", "mật ong hoa nhãn", S["mo_nhan"]),
    ("accented", "cà phê robusta", S["robusta"]),
    ("accented", "bánh đa nem", S["banh_da_nem"]),
    ("accented", "miến dong", S["mien_dong"]),
    ("accented", "gốm bát tràng", S["bat_trang"]),
    ("accented", "lụa vạn phúc", S["van_phuc"]),
    ("accented", "nón lá", S["non_la"]),
    ("accented", "vải thiều", S["vai_thieu"]),
    ("accented", "tương bần", S["tuong_ban"]),
    ("accented", "khô cá lóc", S["kho_ca_loc"]),
    ("accented", "chả mực hạ long", [(3, N("Chả mực")), (2, A(T("hai_san"), N("Mực"))), (1, T("hai_san"))]),
    # ---- unaccented: typed without any diacritics (judged as the accented query)
    ("unaccented", "nuoc mam phu quoc", S["nuoc_mam_pq"]),
    ("unaccented", "che shan tuyet suoi giang", S["shan_sg"]),
    ("unaccented", "gao st25 soc trang", S["st25_soc_trang"]),
    ("unaccented", "mat ong hoa nhan hung yen", S["mo_nhan_hy"]),
    ("unaccented", "ca phe buon ma thuot", S["bmt"]),
    ("unaccented", "banh da nem lang chieu", S["banh_da_nem"]),
    ("unaccented", "ruou bau da", S["bau_da"]),
    ("unaccented", "mam dong dai bai", S["dai_bai"]),
    ("unaccented", "non la hue", [(3, N("Nón lá Huế")), (2, T("non"))]),
    ("unaccented", "lua van phuc", S["van_phuc"]),
    ("unaccented", "gom bat trang", S["bat_trang"]),
    ("unaccented", "cam cao phong", S["cao_phong"]),
    ("unaccented", "buoi dien", S["buoi_dien"]),
    # ---- dd: đ typed as d (with or without the other accents)
    ("dd", "dac san da lat", S["da_lat"]),
    ("dd", "đặc sản dà lạt", S["da_lat"]),
    ("dd", "duong phen", S["duong_phen"]),
    ("dd", "dường phèn quảng ngãi", S["duong_phen"]),
    ("dd", "mien dong binh lieu", S["mien_bl"]),
    ("dd", "dau phu", S["dau_phu"]),
    ("dd", "do gom chu dau", S["chu_dau"]),
    ("dd", "dao mau son", [(3, N("Đào Mẫu Sơn"))]),
    ("dd", "hoa dao nhat tan", [(3, N("Hoa đào Nhật Tân")), (1, A(T("hoa", "cay_canh"), ND("Tết")))]),
    ("dd", "duong thot not", [(3, N("Đường thốt nốt")), (2, T("duong")), (1, T("mat_mia", "mat_hoa_dua"))]),
    ("dd", "dac san dong thap", [(3, O("Đồng Tháp")), (2, V("Đồng Tháp"))]),
    ("dd", "cà phê dắk lắk", [(3, A(COFFEE, O("Đắk Lắk"))), (2, COFFEE), (1, A(T("ca_cao"), O("Đắk Lắk")))]),
    ("dd", "den long hoi an", [(3, N("Đèn lồng"))]),
    ("dd", "dong trung ha thao", [(3, T("dong_trung")), (2, N("đông trùng hạ thảo"))]),
    # ---- prefix: the last word (or two) still being typed
    ("prefix", "nuoc ma", S["nuoc_mam"]),
    ("prefix", "chè shan tu", S["shan"]),
    ("prefix", "gao st", S["st"]),
    ("prefix", "mật ong hoa n", S["mo_nhan"]),
    ("prefix", "cà phê rob", S["robusta"]),
    ("prefix", "bánh đa n", S["banh_da_nem"]),
    ("prefix", "vải thi", S["vai_thieu"]),
    ("prefix", "nón l", S["non_la"]),
    ("prefix", "miến do", S["mien_dong"]),
    ("prefix", "tinh dầu tr", S["tram"]),
    ("prefix", "lụa vạn ph", S["van_phuc"]),
    ("prefix", "gốm bát tr", S["bat_trang"]),
    ("prefix", "khô cá l", S["kho_ca_loc"]),
    ("prefix", "keo du", S["keo_dua"]),
    # ---- typo: one wrong, missing or extra letter (judged as the intended query)
    ("typo", "nuuoc mam phu quoc", S["nuoc_mam_pq"]),
    ("typo", "ca phe robsta", S["robusta"]),
    ("typo", "che shan tuyeet", S["shan"]),
    ("typo", "gom bat trangg", S["bat_trang"]),
    ("typo", "ca phe arabca cau dat", [(3, N("Cầu Đất")), (2, A(COFFEE, ND("Arabica"))), (1, COFFEE)]),
    ("typo", "nuoc mam nha tranh", [(3, A(T("nuoc_mam"), N("Nha Trang"))), (2, T("nuoc_mam"))]),
    ("typo", "tuongg ban", S["tuong_ban"]),
    ("typo", "banh trang trangg bang", [(3, A(T("banh_trang"), N("Trảng Bàng"))), (2, T("banh_trang"))]),
    ("typo", "vai thieuu thanh ha", S["vai_thanh_ha"]),
    ("typo", "thannh long binh thuan", [(3, A(T("thanh_long"), O("Bình Thuận"))), (2, T("thanh_long"))]),
    ("typo", "chuoii ngu dai hoang", [(3, N("Chuối ngự")), (2, N("Chuối"))]),
    ("typo", "nem nuongg ninh hoa", [(3, N("Nem nướng Ninh Hòa")), (2, T("nem"))]),
    ("typo", "chieuu coi nga son", [(3, N("Chiếu cói Nga Sơn")), (2, A(T("coi"), N("Chiếu"))), (1, T("coi", "chieu"))]),
    ("typo", "duongg phen", S["duong_phen"]),
    # ---- telex: Vietnamese typed with the Telex keys but the IME off
    ("telex", "nuowcs mawms phu quoocs", S["nuoc_mam_pq"]),
    ("telex", "nuowcs mawms", S["nuoc_mam"]),
    ("telex", "cheef shan tuyeets", S["shan"]),
    ("telex", "gaoj st25", S["st25"]),
    ("telex", "maatj ong hoa nhaxn", S["mo_nhan"]),
    ("telex", "caf phee buoon ma thuootj", S["bmt"]),
    ("telex", "banhs dda nem", S["banh_da_nem"]),
    ("telex", "mieesn dong", S["mien_dong"]),
    ("telex", "vair thieeuf thanh haf", S["vai_thanh_ha"]),
    ("telex", "dduowngf pheen", S["duong_phen"]),
    ("telex", "mawms tooms haaju loocj", S["mam_tom_hl"]),
    ("telex", "luaj vanj phucs", S["van_phuc"]),
    ("telex", "gooms baats trangf", S["bat_trang"]),
    ("telex", "maam ddoongf ddaij bais", S["dai_bai"]),
    # ---- type_province: product type + 2025 province (several need the July 2025 merges)
    ("type_province", "mật ong hưng yên", [(3, A(HONEY, V("Hưng Yên"))), (2, HONEY)]),
    ("type_province", "chè thái nguyên", [(3, A(TEA, O("Thái Nguyên"))), (2, TEA), (1, A(T("du_lich"), N("đồi chè")))]),
    ("type_province", "cà phê đắk lắk", [(3, A(COFFEE, V("Đắk Lắk"))), (2, COFFEE), (1, A(T("ca_cao"), V("Đắk Lắk")))]),
    ("type_province", "vải thiều hải phòng", [(3, A(FRESH_LYCHEE, N("Vải thiều"), V("Hải Phòng"))), (2, T("vai"))]),
    ("type_province", "nước mắm an giang", [(3, A(T("nuoc_mam"), V("An Giang"))), (2, T("nuoc_mam")), (1, A(MAM, V("An Giang")))]),
    ("type_province", "cà phê lâm đồng", [(3, A(COFFEE, V("Lâm Đồng"))), (2, COFFEE)]),
    ("type_province", "chè tuyên quang", [(3, A(TEA, V("Tuyên Quang"))), (2, TEA)]),
    ("type_province", "gạo cần thơ", [(3, A(RICE, V("Cần Thơ"))), (2, RICE)]),
    ("type_province", "bưởi vĩnh long", [(3, A(T("buoi"), V("Vĩnh Long"))), (2, T("buoi")), (1, A(N("bưởi"), V("Vĩnh Long")))]),
    ("type_province", "gốm bắc ninh", [(3, A(T("gom"), V("Bắc Ninh"))), (2, T("gom"))]),
    ("type_province", "mắm huế", [(3, A(MAM, V("Huế"))), (2, MAM)]),
    ("type_province", "nhãn hưng yên", [(3, A(T("nhan"), V("Hưng Yên"), NOT(N("Long nhãn")))), (2, T("nhan")), (1, A(ND("nhãn"), V("Hưng Yên")))]),
    ("type_province", "thanh long lâm đồng", [(3, A(T("thanh_long"), V("Lâm Đồng"))), (2, T("thanh_long"))]),
    ("type_province", "cam nghệ an", [(3, A(T("cam"), V("Nghệ An"))), (2, T("cam"))]),
    # ---- legacy_province: a province name from before July 2025
    ("legacy_province", "vải thiều hải dương", [(3, A(FRESH_LYCHEE, N("Vải thiều"), O("Hải Dương"))), (2, T("vai"))]),
    ("legacy_province", "gạo sóc trăng", [(3, A(RICE, O("Sóc Trăng"))), (2, RICE)]),
    ("legacy_province", "bưởi bến tre", [(3, A(T("buoi"), O("Bến Tre"))), (2, T("buoi"))]),
    ("legacy_province", "chè hà giang", [(3, A(TEA, O("Hà Giang"))), (2, TEA)]),
    ("legacy_province", "nước mắm kiên giang", [(3, A(T("nuoc_mam"), O("Kiên Giang"))), (2, T("nuoc_mam"))]),
    ("legacy_province", "vải thiều bắc giang", [(3, A(FRESH_LYCHEE, N("Vải thiều"), O("Bắc Giang"))), (2, T("vai"))]),
    ("legacy_province", "thanh long bình thuận", [(3, A(T("thanh_long"), O("Bình Thuận"))), (2, T("thanh_long"))]),
    ("legacy_province", "sâm ngọc linh quảng nam", [(3, A(T("sam"), O("Quảng Nam"))), (2, T("sam"))]),
    ("legacy_province", "dừa sáp trà vinh", [(3, N("Dừa sáp")), (2, T("dua_trai")), (1, A(ND("dừa"), O("Trà Vinh")))]),
    ("legacy_province", "gạo thái bình", [(3, A(RICE, O("Thái Bình"))), (2, RICE), (1, A(N("gạo"), O("Thái Bình")))]),
    ("legacy_province", "hạt điều bình phước", [(3, A(T("hat_dieu"), O("Bình Phước"))), (2, T("hat_dieu"))]),
    ("legacy_province", "măng cụt bình dương", [(3, A(T("mang_cut"), O("Bình Dương"))), (2, T("mang_cut"))]),
    ("legacy_province", "cam hòa bình", [(3, A(T("cam"), O("Hòa Bình"))), (2, T("cam"))]),
    ("legacy_province", "miến dong bắc kạn", [(3, A(T("mien"), O("Bắc Kạn"))), (2, T("mien"))]),
    ("legacy_province", "bánh gai hải dương", [(3, N("Bánh gai")), (2, N("Bánh ít lá gai"))]),
    # ---- accent_precision: the accented word must beat its look-alike (look-alikes are 0)
    ("accent_precision", "mắm", [(3, MAM), (2, T("nuoc_mam")), (1, T("nuoc_cham_chay"))]),
    ("accent_precision", "mâm", [(3, T("mam_tray"))]),
    ("accent_precision", "mâm đồng", [(3, A(T("mam_tray"), N("Mâm đồng"))), (2, T("mam_tray")), (1, T("dong"))]),
    ("accent_precision", "chè", [(3, TEA), (2, T("che_dessert")), (1, A(T("du_lich"), N("chè")))]),
    ("accent_precision", "che nắng", [(3, T("rem_che")), (1, T("non"))]),
    ("accent_precision", "đậu", [(3, T("dau_hat", "dau_phu", "dau_phong")), (2, A(NOT(T("gom", "nuoc_cham_chay")), N("đậu"))),
                                         (1, T("tuong", "xi_dau", "nuoc_cham_chay")), (1, A(T("che_dessert"), ND("đỗ", "đậu")))]),
    ("accent_precision", "dầu", [(3, T("dau_an")), (2, T("tinh_dau", "dau_gac")), (1, T("dau_goi"))]),
    ("accent_precision", "dầu dừa", [(3, T("dau_dua")), (1, A(T("my_pham"), ND("dầu dừa")))]),
    ("accent_precision", "dâu tây", [(3, T("dau_tay")), (2, N("dâu tây")), (1, N("dâu tằm"))]),
    ("accent_precision", "đường", [(3, T("duong")), (1, T("mat_mia", "mat_hoa_dua", "mach_nha"))]),
    ("accent_precision", "khô cá", [(3, T("kho_ca")), (2, A(T("ca"), ND("khô", "một nắng"))), (1, A(T("hai_san"), ND("khô", "một nắng")))]),
    ("accent_precision", "cá", [(3, T("ca", "kho_ca")), (2, A(T("mam_ca"), N("cá"))), (1, T("ca_canh"))]),
    ("accent_precision", "cà pháo", [(3, T("ca_phao"))]),
    ("accent_precision", "lụa", [(3, T("lua_silk")), (1, T("theu"))]),
    ("accent_precision", "gạo lúa tôm", [(3, N("lúa tôm")), (2, A(RICE, ND("lúa – tôm"))), (1, RICE)]),
    ("accent_precision", "nem", [(3, T("nem")), (1, T("banh_da_nem"))]),
    ("accent_precision", "nệm", [(3, T("nem_nem"))]),
    ("accent_precision", "gạo", [(3, RICE), (1, T("banh_gao", "com", "mach_nha"))]),
    ("accent_precision", "gáo dừa", [(3, T("gao_dua"))]),
    ("accent_precision", "măng khô", [(3, A(T("mang_tre"), N("khô"))), (2, T("mang_tre"))]),
    ("accent_precision", "mật ong", [(3, HONEY)]),
    ("accent_precision", "ghế bành", [(3, T("ghe"))]),
]


def judge(prods, rules):
    out = []
    for p in prods:
        for grade, rule in rules:
            if rule(p):
                out.append((p.code, grade))
                break
    out.sort(key=lambda cg: (-cg[1], cg[0]))
    return out


def main():
    mapping = province_mapping()
    prods = load_products(mapping)
    with open(os.path.join(HERE, "catalog.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)  # RFC 4180: comma, double-quote quoting, CRLF
        w.writerow(["code", "name", "producer", "province_code", "province_name", "legacy_province",
                    "group", "set_no", "stars", "description"])
        for p in sorted(prods, key=lambda p: p.code):
            w.writerow([p.code, p.name, p.producer, p.pcode, p.prov, p.legacy, p.group, p.set_no, p.stars, p.desc])
    kinds = {}
    with open(os.path.join(HERE, "queries.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tkind\tquery\tjudgments\n")
        for i, (kind, query, rules) in enumerate(Q, 1):
            j = judge(prods, rules)
            if not any(g >= 2 for _, g in j):
                sys.exit(f"query {query!r} has no product graded 2 or 3")
            kinds[kind] = kinds.get(kind, 0) + 1
            f.write(f"Q{i:03d}\t{kind}\t{nfc(query)}\t{' '.join(f'{c}:{g}' for c, g in j)}\n")
    print(f"{len(prods)} products, {len(Q)} queries: {kinds}")
    if "--review" in sys.argv:
        byc = {p.code: p for p in prods}
        for i, (kind, query, rules) in enumerate(Q, 1):
            print(f"\nQ{i:03d} [{kind}] {query}")
            for c, g in judge(prods, rules):
                p = byc[c]
                print(f"   {g} {c} {p.name} | {p.prov}{' <' + p.legacy if p.legacy else ''}")


if __name__ == "__main__":
    main()
