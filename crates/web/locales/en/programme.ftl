## Coordination programme: programmes, yearly plans, activities.
nav-programmes = Coordination programme
nav-figures = Figures

page-programmes = Coordination programmes
page-programme-new = New coordination programme
page-programme-edit = Edit coordination programme
page-programme-plan = Plan for { $year }
page-activities = Coordination activities
page-activities-calendar = Activity calendar
page-activity-new = Record an activity
page-activity-edit = Edit activity
page-activity-delete = Delete activity

programmes-lead = Coordination programmes for the collective economy between the cooperative alliances: content areas, yearly plans and the activities carried out.
programmes-empty = There is no coordination programme yet.
programme-period-line = Period { $period }
programme-areas-count = { $count ->
    [one] { $count } content area
   *[other] { $count } content areas
}
programme-areas = Content areas
programme-area-done = { $count ->
    [one] { $count } activity held
   *[other] { $count } activities held
}
programme-plans = Yearly plans
programme-plan-missing = No plan yet
programme-no-document = The signed document has not been uploaded.
programme-sections = Parts of the programme
programme-activities-link = Activity list
programme-calendar-link = Activity calendar
programme-indicators-link = Indicators
programme-dashboards-link = Figures
programme-review-link = Yearly review

field-programme-name = Programme name
field-programme-number = Document number and symbol
field-programme-first-year = From year
field-programme-last-year = To year
field-programme-period = Period
field-programme-signed-on = Signed on
field-programme-signatories = Signatory alliances
field-programme-areas = Content areas
field-programme-summary = Purpose and requirements
field-programme-document = Signed document
hint-programme-signatories = Choose at least two alliances that signed the programme.
hint-programme-areas = One content area per line, in the document's order; numbering at the start of a line is ignored. When editing, areas are kept by their number: rename in place, add lines to add areas.

field-plan-year = Year
field-plan-host = Host alliance of the year
field-plan-goals = Goals and main tasks
hint-plan-host = The signatory alliances take turns hosting the programme each year.
hint-plan-goals = One goal or task per paragraph.
plan-planned-activities = Activities planned for { $year }
plan-planned-empty = No activity is planned for this year yet.

field-activity-title = Activity title
field-activity-kind = Kind of activity
field-activity-state = State
field-activity-areas = Content areas
field-activity-area = Content area
field-activity-lead = Lead alliance
field-activity-alliances = Participating alliances
field-activity-alliance-filter = Alliance (lead or participating)
field-activity-dates = Dates
field-activity-starts-on = First day
field-activity-ends-on = Last day
field-activity-place = Place
field-activity-participants = Participants
field-activity-outcome = Outcome
field-activity-event = Related trade-promotion event (optional)
field-activity-event-short = Trade-promotion event
field-activity-organisations = Participants: collective-economy organisations
field-activity-organisations-short = Participating organisations
hint-activity-alliances = Other alliances that organised the activity together.
hint-activity-ends-on = Leave blank for a one-day activity.
hint-activity-event = For trade promotion: choose the fair or exhibition announced on LiênKết.
hint-activity-organisations = One organisation per line: its registration code (10 digits) or its number in the registry; a name may follow the code.
activity-no-event = — No related event —

activity-kind-conference = Conference
activity-kind-workshop = Workshop
activity-kind-training = Training
activity-kind-study-visit = Study visit
activity-kind-media = Media and communication
activity-kind-consulting = Consulting and support
activity-kind-trade-promotion = Trade promotion
activity-kind-other = Other activity
activity-state-planned = Planned
activity-state-done = Held
activity-state-cancelled = Cancelled

activities-count = { $count ->
    [one] { $count } activity
   *[other] { $count } activities
}
activities-empty = No activity matches the filters. Try removing some of them.
activities-month-empty = No activity this month.
activities-sort = Order
activities-sort-newest = Newest first
activities-sort-oldest = By date (oldest first)
activity-areas-short = Areas { $numbers }
activity-participants-line = { $count ->
    [one] { $count } participant
   *[other] { $count } participants
}
activity-organisations-empty = No participating organisation recorded.
activity-photos = Photos
activity-photos-empty = No photos yet.
activity-files = Documents
activity-files-empty = No documents yet.
activity-add-files = Add photos and documents
hint-activity-files = Photos in JPEG, PNG or WebP (resized automatically); documents in PDF, Word (.docx) or Excel (.xlsx); up to 12 MB each, 30 files per activity.
activity-delete-question = Delete the activity “{ $title }”? This cannot be undone.
activity-delete-files = { $count ->
    [one] { $count } photo or document is deleted with it
   *[other] { $count } photos and documents are deleted with it
}
activity-export-title = COORDINATION ACTIVITIES
activity-export-year = Year { $year }
activity-col-no = No.
activity-col-starts-on = First day
activity-col-ends-on = Last day
activity-col-title = Activity
activity-col-kind = Kind
activity-col-areas = Content areas
activity-col-lead = Lead alliance
activity-col-alliances = Participating alliances
activity-col-place = Place
activity-col-participants = Participants
activity-col-state = State
activity-col-outcome = Outcome

action-new-programme = Add programme
action-new-activity = Record an activity
action-new-planned-activity = Add a planned activity
action-edit-plan = Edit plan
action-write-plan = Write plan
action-delete-activity = Delete activity
action-upload-programme-document = Upload the signed document (PDF)
action-upload-activity-photo = Add a photo
action-upload-activity-file = Add a document

flash-programme-created = Coordination programme added.
flash-programme-saved = Coordination programme saved.
flash-programme-document = Signed document uploaded.
flash-plan-saved = Yearly plan saved.
flash-activity-created = Activity recorded.
flash-activity-saved = Activity saved.
flash-activity-deleted = Activity deleted.

err-programme-year = Not a valid year: type four digits, from 2000 to 2100.
err-programme-period = The last year must be the first year or later, and the period at most 10 years.
err-programme-signatories = A coordination programme needs at least two signatory alliances.
err-programme-areas = Type at least one content area, one per line.
err-programme-area-twice = A content area is typed twice.
err-programme-choice = Choose from the list.
err-programme-too-many = At most { $max } may be listed.
err-activity-lead-not-signatory = The lead alliance must be one of the programme's signatories.
err-programme-year-outside = The year must fall within the programme's period ({ $first } – { $last }).
err-programme-name-taken = A coordination programme already has this name.
err-programme-period-activities = The period cannot be narrowed: activities are recorded outside the new years. Move or delete them first.
err-programme-area-in-use = A content area with recorded activities cannot be removed. Keep its line (you may rename it).
err-programme-document-type = The signed document must be a PDF file (recognised by its content, not its name).
err-plan-host = The host alliance of the year must be one of the programme's signatories.
err-activity-areas = Choose at least one content area.
err-activity-area-unknown = This content area is not one of the programme's: choose from the list.
err-activity-alliance-unknown = There is no such alliance in the list.
err-activity-organisation-unknown = A participating organisation is no longer in the registry.
err-activity-organisations-unknown = Not found in the registry: { $codes }. Check the registration codes or numbers.
err-activity-event-unknown = There is no such announced event: choose one published on LiênKết.
err-activity-outside-programme = The activity must take place within the programme's period.
err-activity-year-outside = The activity must take place within the programme's period ({ $first } – { $last }).
err-activity-files-full = The activity already has 30 files: delete some before uploading more.
err-activity-file-type = Documents must be PDF, Word (.docx) or Excel (.xlsx) files (recognised by their content, not their name). Upload photos with “Add a photo”.

entity-programme = coordination programme
entity-programme-plan = yearly plan
entity-activity = coordination activity
entity-activity-file = activity file
