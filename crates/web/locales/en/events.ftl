# Trade promotion: fairs, exhibitions, OCOP weeks and applications to exhibit.

nav-events = Events
page-events = Fairs, exhibitions and promotion events
page-events-calendar = Event calendar
page-event-new = New event
page-event-edit = Edit event
page-event-applications = Applications
page-event-apply = Apply to exhibit
page-event-checkin = Exhibitor check-in
page-event-passes = Exhibitor passes
page-event-booths = Booth plan
page-event-outcome = Outcome of taking part
page-pass = Exhibitor pass

event-kind-fair = Fair
event-kind-exhibition = Exhibition
event-kind-ocop-week = OCOP promotion week
event-kind-online-fair = Online fair
event-kind-supply-demand = Supply–demand matching conference

event-status-draft = Draft
event-status-published = Published
event-status-cancelled = Cancelled

application-draft = Draft
application-submitted = Waiting for review
application-approved = Approved
application-waitlisted = Waitlisted
application-rejected = Not approved
application-withdrawn = Withdrawn

events-upcoming = Upcoming and current
events-past = Past
events-mine = My alliance's
events-empty = No events yet.
events-calendar-link = Calendar view
events-list-link = List view
events-ics = iCalendar feed (subscribe in a calendar app)
events-filter-kind = Kind of event
events-all-kinds = All kinds
events-count = { $count } events
calendar-prev = ‹ Previous month
calendar-next = Next month ›
calendar-month = { $month }/{ $year }
calendar-weekdays = Mon,Tue,Wed,Thu,Fri,Sat,Sun

field-title = Event name
field-event-kind = Kind of event
field-venue = Venue
field-starts-on = First day
field-ends-on = Last day
field-opening-hours = Opening hours
field-applications-open-on = Applications open on
field-applications-close-on = Applications close on (day)
field-applications-close-time = Applications close at (time)
field-eligible-groups = Eligible product groups
field-co-organisers = Co-organising alliances
field-booth-types = Booth types
field-booth-name = Booth type
field-booth-size = Size
field-booth-capacity = Booths
field-booth-fee = Fee per booth (đồng)
field-booth-free = Free
field-booth-type-id = Booth type
field-booth-count = Booths requested
field-products = Products to show
field-contact-name = Contact on site
field-contact-phone = Contact's phone
field-notes = Notes for the organisers
field-review-note = Organisers' note
field-booth-numbers = Assigned booth numbers
field-sales = Sales at the event (đồng)
field-contracts = Contracts or memoranda signed
field-buyers = Buyers and partners met
field-note = Notes on the outcome
field-pass-code = Pass code
field-host-alliance = Host alliance
field-application-window = Application window
field-dates = Dates

hint-eligible-groups = Leave empty when every product group may take part.
hint-booth-types = One booth type per row; empty rows are ignored.
hint-application-close-time = Vietnam time, e.g. 17:00.
hint-booth-numbers = Booth numbers separated by commas, e.g. A01, A02.
hint-products = Choose the products you will bring (your organisation's products).
hint-pass-code = Type or scan the code on the pass.

event-window-not-yet = Applications open on { $date }.
event-window-open = Applications open until { $date }.
event-window-closed = Applications closed ({ $date }).
event-booths-left = { $free }/{ $capacity } booths free.
event-exhibitors = Exhibitors
event-exhibitors-empty = No exhibitor has been approved yet.
event-products = Products on show
event-participation = Participation
event-participation-sentence = { $count } { $kind } from { $provinces } { $provinces ->
    [one] province or city
   *[other] provinces and cities
}
event-participation-kinds = { $count } { $kind } ({ $detail }) from { $provinces } { $provinces ->
    [one] province or city
   *[other] provinces and cities
}
event-by-province = By province
event-by-alliance = By managing alliance
event-by-group = By OCOP product group
event-col-exhibitors = Exhibitors
event-col-booths = Booths
event-col-products = Products
event-outcomes = Outcomes
event-outcomes-line = { $reported } exhibitors reported: sales { $sales } đồng, { $contracts } contracts, { $buyers } buyers and partners.
event-checked-in-line = { $arrived }/{ $total } exhibitors have arrived.
event-manage = Manage the event
event-your-application = Your organisation's application
event-apply-action = Apply to exhibit
event-apply-closed = This event is not taking applications now.
event-cancelled-notice = This event has been cancelled.
event-draft-notice = This event is a draft: only the host and co-organising alliances see it.
event-cancelled-short = Cancelled

action-new-event = New event
action-cancel-event = Cancel the event
action-back-to-draft = Back to draft
action-applications = Applications
action-checkin = Check-in
action-passes = Print passes
action-booth-plan = Booth plan
action-export-exhibitors = Export exhibitors (Excel)
action-approve = Approve
action-waitlist = Waitlist
action-reject = Reject
action-withdraw-application = Withdraw the application
action-submit-application = Submit application
action-save-draft-application = Save draft
action-assign-booths = Assign booths
action-check-in = Confirm arrival
action-find = Find
action-scan = Scan with the camera
action-stop-scan = Stop scanning
action-report-outcome = Report the outcome
action-save-outcome = Save the outcome
action-add-booth-row = Add a row

applications-empty = No application in this state.
applications-all = All
applications-submitted-at = Submitted
applications-waitlist-position = Place in line: { $n }
applications-count = { $count } applications
application-booths-assigned = Booths: { $numbers }
application-no-products = Your organisation has no product to show yet. Add products before applying.
application-state-line = State: { $state }
application-promoted = Approved from the waitlist when a place freed up.

checkin-not-arrived = Not arrived ({ $count })
checkin-arrived = Arrived ({ $count })
checkin-done = { $name } checked in at { $time }.
checkin-already = { $name } has been here since { $time }.
checkin-unknown = No pass has this code. Check the code on the pass.
checkin-wrong-event = This pass belongs to another event: { $event }.
checkin-camera-unsupported = This browser cannot scan codes with the camera. Type the code on the pass.
checkin-search-hint = Search by organisation name or booth number.

pass-valid = Valid pass
pass-invalid = This pass is no longer valid.
pass-exhibitor = Exhibitor
pass-booths = Booths
pass-contact = Contact

booth-plan-unassigned = No booth assigned
booth-plan-free = free

outcome-intro = After the event, exhibitors report their outcome for the alliance to sum up.
outcome-saved = Outcome saved.

export-exhibitors-title = EXHIBITORS
col-stt = No.
col-organisation = Organisation
col-kind = Kind
col-province = Province
col-alliance = Managing alliance
col-booth-type = Booth type
col-booth-count = Booths
col-booth-numbers = Assigned booths
col-products = Products on show
col-contact = Contact
col-phone = Phone
col-state = State
col-checked-in = Arrived
col-sales = Sales (đồng)
col-contracts = Contracts
col-buyers = Buyers and partners

flash-event-created = Event created (draft). Publish it when ready.
flash-event-saved = Event saved.
flash-event-published = Event published.
flash-event-cancelled = Event cancelled.
flash-event-draft = The event is a draft again.
flash-application-submitted = Application submitted. The organisers will review it.
flash-application-saved = Application draft saved.
flash-application-withdrawn = Application withdrawn.
flash-application-reviewed = Decision recorded.
flash-booths-assigned = Booths assigned.
flash-outcome-saved = Outcome saved.

err-event-date-range = Dates must be in 2000 or later.
err-event-ends-before-start = The last day must be on or after the first day.
err-event-time = Invalid time: type it as 17:00.
err-event-window-order = Applications must close after they open.
err-event-window-after-start = Applications must close before the event starts.
err-event-group = Unknown product group.
err-event-number = Type a whole number from 0 to { $max }.
err-booth-name = Each booth type needs a name.
err-booth-name-twice = Booth type “{ $name }” is listed twice.
err-booth-capacity = Booth type “{ $name }” needs at least 1 booth.
err-booth-plan-empty = List at least one booth type.
err-booth-count = Booths must be from 1 to { $max }.
err-application-no-products = Choose at least one product to show.
err-too-many = At most { $max } items.
err-event-not-open = The event is not published or has been cancelled.
err-application-window-closed = Applications to this event have closed.
err-application-window-not-yet = Applications have not opened yet. You can save a draft and submit it when they open.
err-application-booth-type = That booth type is not part of this event.
err-application-product-owner = Only your own organisation's products can be shown.
err-application-product-withdrawn = Only products published in the catalogue can be shown: unselect drafts and withdrawn products.
err-application-product-group = A product is outside the product groups this event accepts.
err-application-twice = Your organisation has already applied to this event: one application per organisation.
err-application-not-editable = A submitted application can no longer be changed. Withdraw it to apply again.
err-application-decision = That decision is not possible in the application's current state.
err-application-not-withdrawable = An application in this state cannot be withdrawn.
err-booth-type-full = This booth type is full. Waitlist the application or add booths.
err-booth-type-in-use = A booth type that organisations applied for cannot be removed.
err-booth-capacity-below-approved = Booths cannot be fewer than those already approved.
err-booth-not-approved = Booths are assigned to approved applications only.
err-booth-too-many = More booth numbers than booths requested.
err-booth-taken = That booth number is already assigned to another exhibitor.
err-booth-number = A booth number has letters, digits and dashes only, at most 20 characters.
err-checkin-not-approved = This application is not approved, so it has no pass.
err-outcome-not-approved = Only approved exhibitors report outcomes.
err-outcome-too-early = Outcomes can be reported from the first day of the event.
err-apply-not-representative = Only an organisation's representative can apply.

entity-event = event
entity-event-application = event application

field-attachments = Attachments
hint-attachments = Certificates, product documents…: PDF or images (JPEG, PNG, WebP), up to 12 MB each, 20 files.
action-upload-image = Add an event image
action-upload-attachment = Attach a file
action-remove = Remove
action-print-exhibitors = Print the exhibitor list
action-export-booths = Export the booth plan (Excel)
export-booths-title = BOOTH PLAN
col-booth-number = Booth
flash-file-added = File uploaded.
flash-file-removed = File removed.
err-event-files-full = 20 files already: remove some before adding more.
err-attachment-missing = Choose a file to upload.
err-attachment-type = Only PDF files or JPEG, PNG, WebP images are accepted (recognised by their content, not their name).
err-application-booth-type-full = This booth type has fewer free booths than you ask for: choose another type or fewer booths.
err-event-status = The event cannot move to that state: an event with applications cannot go back to a draft, and a cancelled event cannot be published again.
err-application-started = The event has begun: an approved exhibitor can no longer withdraw or be rejected.
err-outcome-too-large = The number is too large: check the unit (đồng).
export-applications-title = APPLICATIONS
export-participation-title = PARTICIPATION
col-breakdown = Breakdown
col-name = Name
action-export-applications = Export every application (Excel)
action-export-participation = Export participation figures (Excel)
events-own-applications = Your organisation's applications
participation-kind-cooperative-group = { $count ->
    [one] cooperative group
   *[other] cooperative groups
}
participation-kind-cooperative = { $count ->
    [one] cooperative
   *[other] cooperatives
}
participation-kind-cooperative-union = { $count ->
    [one] cooperative union
   *[other] cooperative unions
}
participation-organisations = { $count ->
    [one] collective economic organisation
   *[other] collective economic organisations
}
