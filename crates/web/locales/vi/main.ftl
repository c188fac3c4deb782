# Danh mục thông điệp tiếng Việt (ngôn ngữ mặc định).

app-name = LiênKết
footer-text = LiênKết — nền tảng số phục vụ chương trình phối hợp phát triển kinh tế tập thể của các Liên minh Hợp tác xã.

nav-skip = Chuyển đến nội dung chính
nav-main = Điều hướng chính
nav-home = Trang chủ
nav-alliances = Liên minh HTX
nav-dashboard = Bảng điều khiển
nav-users = Quản lý tài khoản
nav-audit = Nhật ký thay đổi
nav-login = Đăng nhập
nav-logout = Đăng xuất
nav-other-language = English

page-home = Trang chủ
page-login = Đăng nhập
page-dashboard = Bảng điều khiển
page-alliances = Các Liên minh Hợp tác xã
page-alliance-edit = Sửa thông tin Liên minh
page-users = Quản lý tài khoản
page-user-edit = Sửa tài khoản
page-audit = Nhật ký thay đổi
page-account = Tài khoản của tôi

home-title = Liên kết phát triển kinh tế tập thể
home-lead = Sổ thành viên, sản phẩm OCOP, hội chợ xúc tiến thương mại và chương trình phối hợp của các Liên minh Hợp tác xã Hà Nội, Hải Phòng, Đà Nẵng, Cần Thơ và TP Hồ Chí Minh — trên một hệ thống.
home-figures = Số liệu chính
home-alliances = Các Liên minh tham gia
figure-alliances = Liên minh HTX
figure-organisations = Tổ chức kinh tế tập thể
figure-provinces = tỉnh, thành phố (từ 1/7/2025)
figure-users = Tài khoản đang hoạt động
figure-changes-day = Thay đổi trong 24 giờ qua

dashboard-welcome = Xin chào { $name }.
dashboard-recent = Thay đổi gần đây
dashboard-all-changes = Xem toàn bộ nhật ký

field-code = Mã
field-name = Tên đầy đủ
field-short-name = Tên viết tắt
field-province = Tỉnh, thành phố
field-province-code = Tỉnh, thành phố
field-address = Địa chỉ trụ sở
field-phone = Điện thoại
field-email = Thư điện tử
field-website = Trang thông tin điện tử
field-logo = Biểu trưng
field-updated-at = Cập nhật lần cuối
field-username = Tên đăng nhập
field-password = Mật khẩu
field-display-name = Họ và tên
field-role = Vai trò
field-alliance-id = Liên minh (với cán bộ Liên minh)
field-organisation-id = Tổ chức (với người đại diện)
field-active = Đang hoạt động
field-last-login = Đăng nhập gần nhất
field-current-password = Mật khẩu hiện tại
field-new-password = Mật khẩu mới
field-token-name = Tên khóa
field-token-prefix = Bắt đầu bằng
field-created-at = Ngày tạo
field-last-used = Dùng lần cuối

hint-alliance-code = 2–16 chữ cái, chữ số hoặc dấu gạch ngang, ví dụ HN, HCM.
hint-phone = Ví dụ: 024 3825 1234 hoặc 0912 345 678.
hint-username = 3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang.
hint-password-reset = Để trống nếu không đổi mật khẩu.
hint-role-alliance = Bắt buộc khi vai trò là cán bộ Liên minh.
hint-role-organisation = Bắt buộc khi vai trò là người đại diện tổ chức.
password-hint = Ít nhất 10 ký tự; nên dùng một cụm từ dễ nhớ.
logo-hint = Tệp PNG, JPEG hoặc WebP, tối đa 512 KB.

action-login = Đăng nhập
action-save = Lưu
action-cancel = Hủy
action-edit = Sửa
action-filter = Lọc
action-upload = Tải lên
action-new-alliance = Thêm Liên minh
action-new-user = Thêm tài khoản
action-change-password = Đổi mật khẩu
action-create-token = Tạo khóa
action-revoke = Thu hồi

role-admin = Quản trị hệ thống
role-coordinator = Ban điều phối chương trình
role-alliance-staff = Cán bộ Liên minh
role-organisation-rep = Người đại diện tổ chức

alliances-empty = Chưa có Liên minh nào.
users-empty = Chưa có tài khoản nào.
tokens-empty = Bạn chưa tạo khóa API nào.
list-count = Tổng số: { $count }
choose = — Chọn —
all = Tất cả
yes = Có
no = Không
history = Lịch sử thay đổi

account-password = Đổi mật khẩu
account-tokens = Khóa API cá nhân
account-tokens-hint = Dùng cho phần mềm kết nối với LiênKết qua API: gửi kèm tiêu đề "Authorization: Bearer <khóa>". Khóa có quyền như tài khoản của bạn.
token-shown-once = Đây là khóa mới. Hãy sao chép ngay: khóa chỉ hiển thị một lần.
token-revoked = Đã thu hồi

audit-at = Thời điểm
audit-actor = Người thực hiện
audit-what = Nội dung
audit-diff = Trước → sau
audit-entity = Loại đối tượng
audit-key = Mã số
audit-empty = Chưa có thay đổi nào.

op-create = Tạo
op-update = Sửa
op-delete = Xóa
op-login = Đăng nhập
op-logout = Đăng xuất
op-password = Đặt mật khẩu
entity-alliance = Liên minh
entity-user = tài khoản
entity-session = phiên
entity-api-token = khóa API
entity-organisation = tổ chức

pager-prev = ‹ Trang trước
pager-next = Trang sau ›
pager-info = Trang { $page } / { $pages }

flash-saved = Đã lưu.
flash-created = Đã tạo.
flash-logged-out = Bạn đã đăng xuất.
flash-password-changed = Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.
flash-token-revoked = Đã thu hồi khóa.

error-title-400 = Yêu cầu không hợp lệ
error-title-403 = Không có quyền
error-title-404 = Không tìm thấy trang
error-title-413 = Dữ liệu gửi lên quá lớn
error-title-500 = Hệ thống gặp sự cố
error-back-home = Về trang chủ
error-reference = Mã tham chiếu khi báo lỗi: { $reference }

err-required = Vui lòng nhập thông tin này.
err-too-long = Quá dài: tối đa { $max } ký tự.
err-email = Địa chỉ thư điện tử không hợp lệ (ví dụ: lienminh@hanoi.gov.vn).
err-phone = Số điện thoại không hợp lệ: nhập số Việt Nam 10–11 chữ số, ví dụ 0912 345 678.
err-website = Địa chỉ trang web không hợp lệ (ví dụ: lmhtx.hanoi.gov.vn).
err-alliance-code = Mã chỉ gồm 2–16 chữ cái không dấu, chữ số hoặc dấu gạch ngang.
err-alliance-code-taken = Mã này đã được dùng cho một Liên minh khác.
err-province-unknown = Hãy chọn một tỉnh, thành phố trong danh sách.
err-username = Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.
err-username-taken = Tên đăng nhập này đã có người dùng.
err-password-short = Mật khẩu cần ít nhất { $min } ký tự.
err-password-contains-username = Mật khẩu không được chứa tên đăng nhập.
err-current-password = Mật khẩu hiện tại không đúng.
err-role = Hãy chọn một vai trò.
err-role-needs-alliance = Cán bộ Liên minh phải thuộc một Liên minh: hãy chọn Liên minh.
err-role-needs-organisation = Người đại diện phải gắn với một tổ chức: hãy chọn tổ chức.
err-alliance-unknown = Không có Liên minh này.
err-organisation-unknown = Không có tổ chức này.
err-cannot-demote-self = Bạn không thể tự bỏ quyền quản trị hoặc khóa tài khoản của chính mình.
err-form-has-errors = Biểu mẫu còn lỗi: xem các thông báo bên cạnh từng ô.
err-login-failed = Tên đăng nhập hoặc mật khẩu không đúng.
err-rate-limited = Quá nhiều lần thử không thành công. Vui lòng thử lại sau { $minutes } phút.
err-not-found = Trang hoặc bản ghi bạn tìm không tồn tại hoặc đã bị xóa. Kiểm tra lại đường dẫn.
err-unauthenticated = Bạn cần đăng nhập để tiếp tục.
err-forbidden = Tài khoản của bạn không có quyền thực hiện việc này. Liên hệ quản trị viên nếu bạn cần quyền.
err-csrf = Phiên làm việc của biểu mẫu đã hết hạn hoặc yêu cầu không đến từ LiênKết. Hãy tải lại trang và thử lại.
err-invalid = Dữ liệu chưa hợp lệ: xem chi tiết từng trường.
err-invalid-json = Nội dung gửi lên không phải JSON hợp lệ hoặc thiếu trường bắt buộc.
err-bad-request = Yêu cầu không hợp lệ. Kiểm tra lại dữ liệu đã nhập.
err-conflict = Bản ghi vừa được người khác thay đổi. Dữ liệu bạn nhập vẫn được giữ dưới đây: hãy kiểm tra rồi lưu lại.
err-duplicate = Giá trị của trường { $field } đã được dùng.
err-reference = Bản ghi liên quan không tồn tại hoặc vẫn đang được sử dụng.
err-payload-too-large = Dữ liệu gửi lên vượt quá giới hạn cho phép. Hãy gửi tệp nhỏ hơn.
err-method-not-allowed = Thao tác này không được hỗ trợ tại địa chỉ này.
err-internal = Hệ thống gặp sự cố khi xử lý yêu cầu. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại sau ít phút.
err-upload = Không đọc được tệp tải lên. Hãy chọn lại tệp.
err-logo-type = Biểu trưng phải là ảnh PNG, JPEG hoặc WebP.
err-logo-size = Biểu trưng quá lớn: tối đa 512 KB.
err-token-name = Hãy đặt tên cho khóa (tối đa 100 ký tự).
