# English message catalogue.

app-name = LiênKết
footer-text = LiênKết — the digital platform of the cooperative alliances' programme for the collective economy.

nav-skip = Skip to main content
nav-main = Main navigation
nav-home = Home
nav-alliances = Alliances
nav-dashboard = Dashboard
nav-users = Accounts
nav-audit = Audit log
nav-login = Sign in
nav-logout = Sign out
nav-other-language = Tiếng Việt

page-home = Home
page-login = Sign in
page-dashboard = Dashboard
page-alliances = Cooperative alliances
page-alliance-edit = Edit alliance
page-users = Accounts
page-user-edit = Edit account
page-audit = Audit log
page-account = My account

home-title = Linking up the collective economy
home-lead = Member registry, OCOP products, trade fairs and the coordination programme of the cooperative alliances of Hà Nội, Hải Phòng, Đà Nẵng, Cần Thơ and Ho Chi Minh City — in one system.
home-figures = Key figures
home-alliances = Participating alliances
figure-alliances = Alliances
figure-organisations = Collective-economy organisations
figure-provinces = provinces and cities (since 1 July 2025)
figure-users = Active accounts
figure-changes-day = Changes in the last 24 hours

dashboard-welcome = Hello { $name }.
dashboard-recent = Recent changes
dashboard-all-changes = See the whole log

field-code = Code
field-name = Full name
field-short-name = Short name
field-province = Province or city
field-province-code = Province or city
field-address = Address
field-phone = Phone
field-email = E-mail
field-website = Web site
field-logo = Logo
field-updated-at = Last updated
field-username = Username
field-password = Password
field-display-name = Full name
field-role = Role
field-alliance-id = Alliance (for alliance staff)
field-organisation-id = Organisation (for representatives)
field-active = Active
field-last-login = Last sign-in
field-current-password = Current password
field-new-password = New password
field-token-name = Token name
field-token-prefix = Starts with
field-created-at = Created
field-last-used = Last used

hint-alliance-code = 2–16 letters, digits or dashes, e.g. HN, HCM.
hint-phone = E.g. 024 3825 1234 or 0912 345 678.
hint-username = 3–40 characters: lower-case letters, digits, dot, underscore, dash.
hint-password-reset = Leave empty to keep the password.
hint-role-alliance = Required for alliance staff.
hint-role-organisation = Required for organisation representatives.
password-hint = At least 10 characters; a memorable phrase works well.
logo-hint = A PNG, JPEG or WebP file, at most 512 KB.

action-login = Sign in
action-save = Save
action-cancel = Cancel
action-edit = Edit
action-filter = Filter
action-upload = Upload
action-new-alliance = Add alliance
action-new-user = Add account
action-change-password = Change password
action-create-token = Create token
action-revoke = Revoke

role-admin = System administrator
role-coordinator = Programme coordinator
role-alliance-staff = Alliance staff
role-organisation-rep = Organisation representative

alliances-empty = No alliances yet.
users-empty = No accounts yet.
tokens-empty = You have no API tokens.
list-count = Total: { $count }
choose = — Choose —
all = All
yes = Yes
no = No
history = Change history

account-password = Change password
account-tokens = Personal API tokens
account-tokens-hint = For software that connects to LiênKết through the API: send the header "Authorization: Bearer <token>". A token has the rights of your account.
token-shown-once = Your new token. Copy it now: it is shown only once.
token-revoked = Revoked

audit-at = When
audit-actor = Who
audit-what = What
audit-diff = Before → after
audit-entity = Kind
audit-key = Id
audit-empty = No changes yet.

op-create = Created
op-update = Changed
op-delete = Deleted
op-login = Signed in
op-logout = Signed out
op-password = Password set
entity-alliance = alliance
entity-user = account
entity-session = session
entity-api-token = API token
entity-organisation = organisation

pager-prev = ‹ Previous
pager-next = Next ›
pager-info = Page { $page } of { $pages }

flash-saved = Saved.
flash-created = Created.
flash-logged-out = You have signed out.
flash-password-changed = Password changed. Your other sessions have ended.
flash-token-revoked = Token revoked.

error-title-400 = Invalid request
error-title-403 = Not allowed
error-title-404 = Page not found
error-title-413 = Too much data
error-title-500 = Something went wrong
error-back-home = Back to the home page
error-reference = Reference to quote when reporting: { $reference }

err-required = Please fill this in.
err-too-long = Too long: at most { $max } characters.
err-email = Not a valid e-mail address (e.g. alliance@hanoi.gov.vn).
err-phone = Not a valid phone number: enter a Vietnamese number of 10–11 digits, e.g. 0912 345 678.
err-website = Not a valid web address (e.g. lmhtx.hanoi.gov.vn).
err-alliance-code = The code may contain only 2–16 unaccented letters, digits or dashes.
err-alliance-code-taken = Another alliance already uses this code.
err-province-unknown = Choose a province or city from the list.
err-username = A username has 3–40 characters: lower-case letters, digits, dot, underscore or dash.
err-username-taken = This username is taken.
err-password-short = The password needs at least { $min } characters.
err-password-contains-username = The password must not contain the username.
err-current-password = The current password is wrong.
err-role = Choose a role.
err-role-needs-alliance = Alliance staff belong to an alliance: choose one.
err-role-needs-organisation = A representative belongs to an organisation: choose one.
err-alliance-unknown = No such alliance.
err-organisation-unknown = No such organisation.
err-cannot-demote-self = You cannot remove your own administrator role or deactivate your own account.
err-form-has-errors = The form has errors: see the messages beside the fields.
err-login-failed = Wrong username or password.
err-rate-limited = Too many failed attempts. Please try again in { $minutes } minutes.
err-not-found = The page or record does not exist or was removed. Check the address.
err-unauthenticated = Please sign in to continue.
err-forbidden = Your account is not allowed to do this. Ask an administrator if you need access.
err-csrf = The form expired or the request did not come from LiênKết. Reload the page and try again.
err-invalid = The data is not valid: see each field.
err-invalid-json = The body is not valid JSON or lacks a required field.
err-bad-request = Invalid request. Check what you entered.
err-conflict = Someone else changed this record meanwhile. What you entered is kept below: check it and save again.
err-duplicate = The value of { $field } is already used.
err-reference = A related record is missing or still in use.
err-payload-too-large = The data sent is larger than allowed. Send a smaller file.
err-method-not-allowed = This action is not supported at this address.
err-internal = Something went wrong on our side. Nothing you entered was changed; please try again in a few minutes.
err-upload = The upload could not be read. Choose the file again.
err-logo-type = The logo must be a PNG, JPEG or WebP image.
err-logo-size = The logo is too large: at most 512 KB.
err-token-name = Give the token a name (at most 100 characters).
