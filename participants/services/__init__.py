"""Every state change of the participants app, one rule in one place, by area:

- ``seats``: the training's row lock and who holds which seats (quotas);
- ``registrations``: submit, approve, reject, cancel, staff moves, waiting lists;
- ``notifications``: the logged e-mails to a person, and the reminders;
- ``messages``: a coordinator's message to some of a training's people;
- ``self_service``: a person's own contact details and sign-in links;
- ``consents``: the consents a person gives at registration and changes later
  (texts, versions and the give/withdraw rule: ``rtcm.core.privacy``);
- ``attendance``: marking people present or absent;
- ``certificates``: eligibility, serials, PDFs, revocation, the bulk jobs;
- ``privacy``: a person's data export and erasure;
- ``retention``: the nightly retention rules (``RTCM_RETAIN_*``);
- ``decisions``: staff approving, rejecting or cancelling a selection, in
  submission order, with what happened to each person;
- ``imports``: registering the rows of a checked import file, all or none
  (reading and checking the file: ``participants.imports``).

(Participants rating their trainers is the expert network's: ``experts.ratings``.)

The public form, the API, admin actions, staff pages and tasks call these
functions through this package (``from participants import services``), which
re-exports the public names.
"""

from participants.services.attendance import (
    SessionNotStarted,
    attendance_mark,
    attendance_mark_all_present,
    session_has_started,
)
from participants.services.certificates import (
    certificate_issue,
    certificate_render,
    certificate_revoke,
    certificates_ensure_for_training,
    certificates_issue_for_training,
    certificates_zip_for_training,
    registration_decide_certificate,
)
from participants.services.consents import (
    PARTICIPANT_OPTIONAL_PURPOSES,
    participant_record_consents,
    participant_set_consents,
)
from participants.services.decisions import (
    BULK_ACTIONS,
    BulkOutcome,
    BulkResult,
    ReasonRequired,
    registration_move_targets,
    registrations_bulk_decide,
    registrations_bulk_summary,
    registrations_in_submission_order,
)
from participants.services.imports import registrations_import
from participants.services.messages import (
    MessageAlreadySent,
    NobodyToMessage,
    message_audience_label,
    training_message_send,
)
from participants.services.notifications import notification_queue, registrations_queue_reminders
from participants.services.privacy import (
    AlreadyErased,
    participant_data_export,
    participant_erase,
)
from participants.services.registrations import (
    participant_get_or_create,
    registration_approve,
    registration_can_cancel,
    registration_cancel,
    registration_move,
    registration_reject,
    registration_submit,
    registration_submit_public,
    registrations_cancel_for_training,
    training_fill_from_waitlist,
    training_release_quotas,
    trainings_release_due_quotas,
)
from participants.services.retention import participants_apply_retention
from participants.services.seats import SeatMap
from participants.services.self_service import (
    CONTACT_FIELDS,
    SIGN_IN_LINK_LIFETIME,
    SIGN_IN_LINKS_PER_HOUR,
    participant_request_sign_in,
    participant_sign_in,
    participant_update_contact,
)

__all__ = [
    "BULK_ACTIONS",
    "CONTACT_FIELDS",
    "PARTICIPANT_OPTIONAL_PURPOSES",
    "SIGN_IN_LINKS_PER_HOUR",
    "SIGN_IN_LINK_LIFETIME",
    "AlreadyErased",
    "BulkOutcome",
    "BulkResult",
    "MessageAlreadySent",
    "NobodyToMessage",
    "ReasonRequired",
    "SeatMap",
    "SessionNotStarted",
    "attendance_mark",
    "attendance_mark_all_present",
    "certificate_issue",
    "certificate_render",
    "certificate_revoke",
    "certificates_ensure_for_training",
    "certificates_issue_for_training",
    "certificates_zip_for_training",
    "message_audience_label",
    "notification_queue",
    "participant_data_export",
    "participant_erase",
    "participant_get_or_create",
    "participant_record_consents",
    "participant_request_sign_in",
    "participant_set_consents",
    "participant_sign_in",
    "participant_update_contact",
    "participants_apply_retention",
    "registration_approve",
    "registration_can_cancel",
    "registration_cancel",
    "registration_decide_certificate",
    "registration_move",
    "registration_move_targets",
    "registration_reject",
    "registration_submit",
    "registration_submit_public",
    "registrations_bulk_decide",
    "registrations_bulk_summary",
    "registrations_cancel_for_training",
    "registrations_import",
    "registrations_in_submission_order",
    "registrations_queue_reminders",
    "session_has_started",
    "training_fill_from_waitlist",
    "training_message_send",
    "training_release_quotas",
    "trainings_release_due_quotas",
]
