#!/usr/bin/env python3
"""Every field a service refuses to do without is marked "Required" in its
proto comment, so that a client written from the protos alone sends it.

    proto_required_test.py PROTO_ROOT

The table lists, per proto file, the fields whose absence the services'
validation answers with INVALID_ARGUMENT naming the field (for instance
`meeting.origin` "must be OUTREACH or WALK_IN"). A field added to a
validation is added here with its comment.
"""

import re
import sys

REQUIRED = {
    "atrium/clients/v1/clients.proto": [
        ("Account", "kind"), ("Account", "display_name"), ("Contact", "display_name"),
        ("RoomRate", "room_type"), ("RoomRate", "nightly_rate"), ("Agreement", "title"),
        ("TerminateAgreementRequest", "reason"), ("Visit", "planned_time"), ("Visit", "purpose"),
        ("RecordVisitRequest", "outcome"), ("CancelVisitRequest", "reason"),
        ("RescheduleVisitRequest", "planned_time"), ("Activity", "type"), ("Activity", "summary"),
        ("Preference", "category"), ("Preference", "description"), ("Preference", "source_type"),
        ("Feedback", "kind"), ("Feedback", "severity"), ("Feedback", "subject"),
        ("AssignFeedbackRequest", "assignee"), ("AnswerFeedbackRequest", "answer"),
        ("ReplyToFeedbackRequest", "text"),
        ("LedgerEntry", "type"), ("LedgerEntry", "amount"), ("LedgerEntry", "reference"),
        ("SummarizeBookRequest", "start_month"), ("SummarizeBookRequest", "end_month"),
        ("AssignSegmentRequest", "segment"), ("AssignSegmentRequest", "version"),
    ],
    "atrium/meetings/v1/meetings.proto": [
        ("Meeting", "account"), ("Meeting", "title"), ("Meeting", "origin"),
        ("MarkMeetingLostRequest", "reason"), ("CancelMeetingRequest", "reason"),
        ("RejectRequestRequest", "reason"), ("Room", "display_name"), ("RoomCapacity", "style"),
        ("RoomCapacity", "seats"), ("CreateRoomRequest", "room_id"), ("RetireRoomRequest", "reason"),
        ("Booking", "room"), ("Booking", "start_time"), ("Booking", "style"), ("Booking", "attendees"),
        ("MoveBookingRequest", "start_time"), ("CancelBookingRequest", "reason"),
        ("GetAvailabilityRequest", "start_time"), ("PriceItem", "category"), ("PriceItem", "item"),
        ("PriceItem", "unit_price"), ("ProgrammeItem", "start_time"), ("ProgrammeItem", "title"),
        ("RoomNight", "night"), ("RoomNight", "room_type"), ("RoomNight", "rooms"), ("Meal", "date"),
        ("Meal", "kind"), ("Meal", "headcount"), ("VenueUse", "room"), ("VenueUse", "style"),
        ("VenueUse", "start_time"), ("Guest", "name"), ("PriceLine", "category"),
        ("PriceLine", "description"), ("SignAgreementRequest", "client_signatory"),
        ("ApprovalRequest", "agreement"), ("CheckItemRequest", "item"), ("TrackingEntry", "kind"),
        ("TrackingEntry", "aspect"), ("TrackingEntry", "description"), ("TrackingEntry", "charge"),
        ("RecordChargesRequest", "charges"), ("Charge", "category"),
        ("RecordBillReviewRequest", "reviewer"), ("Payment", "amount"), ("Payment", "reference"),
        ("Payment", "date"), ("RecordGuestPreferencesRequest", "preferences"),
        ("GuestPreference", "category"), ("GuestPreference", "description"),
        ("SummarizeSalesRequest", "start_month"), ("SummarizeSalesRequest", "end_month"),
        ("ListMeetingChangesRequest", "actor"), ("ListMeetingChangesRequest", "start_time"),
        ("ListMeetingChangesRequest", "end_time"),
    ],
    "atrium/notifications/v1/notifications.proto": [
        ("NoticeRevision", "notice_id"), ("NoticeRevision", "revision"),
        ("NoticeRevision", "title"), ("NoticeRevision", "owner"), ("NoticeRevision", "meeting_start_time"),
        ("NoticeSection", "department"), ("NoticeField", "path"), ("FieldChange", "department"),
        ("FieldChange", "path"), ("FieldChange", "kind"), ("Alert", "recipient"), ("Alert", "title"),
    ],
    "atrium/sales/v1/sales.proto": [
        ("SegmentAssignment", "segment"), ("SegmentAssignment", "kam"), ("Target", "year"), ("Target", "scope"),
        ("Target", "metric"), ("Target", "split"), ("Target", "reason"), ("ListTargetsRequest", "year"),
        ("UpdateSegmentAssignmentRequest", "update_mask"), ("UpdateTargetRequest", "update_mask"),
        ("GetAttainmentRequest", "year"), ("GetForecastRequest", "start_month"), ("GetForecastRequest", "end_month"),
    ],
    "atrium/inspections/v1/inspections.proto": [
        ("Item", "id"), ("Item", "description"), ("InspectionPoint", "display_name"),
        ("InspectionPoint", "window_start"), ("InspectionPoint", "items"), ("InspectionPoint", "responsible"),
        ("CreatePointRequest", "point_id"), ("ItemResult", "item"), ("RetirePointRequest", "reason"),
        ("ListInspectionsRequest", "start_date"), ("GetComplianceReportRequest", "start_date"),
    ],
}


def comments(path):
    """(message, field) -> the comment lines just above the field."""
    out, stack, comment = {}, [], []
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        m = re.match(r"(message|enum|oneof) (\w+) \{", s)
        if m:
            stack.append(m.group(2) if m.group(1) != "oneof" else stack[-1])
            comment = []
            continue
        if s == "}" and stack:
            stack.pop()
            comment = []
            continue
        if s.startswith("//"):
            comment.append(s[2:].strip())
            continue
        m = re.match(r"(repeated |optional )?[\w.]+ (\w+) = \d+;", s)
        if m and stack:
            out[(stack[-1], m.group(2))] = " ".join(comment)
        comment = []
    return out


def main():
    root = sys.argv[1]
    missing = []
    for path, fields in REQUIRED.items():
        found = comments("%s/%s" % (root, path))
        for message, field in fields:
            comment = found.get((message, field))
            if comment is None:
                missing.append("%s: %s.%s does not exist" % (path, message, field))
            elif "Required" not in comment and "required" not in comment:
                missing.append('%s: %s.%s is required by the service; its comment says "%s"' %
                               (path, message, field, comment))
    for m in missing:
        print("FAIL: " + m, file=sys.stderr)
    if missing:
        sys.exit(1)
    print("every field the services require is marked Required")


if __name__ == "__main__":
    main()
