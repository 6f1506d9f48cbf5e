-- A registration keeps the external ids of what it names beside the keys: external ids never
-- change once given, so a record reads as one row (with its enrollment) instead of joining the
-- user, course, offering, order, application, event registration and process tables.
ALTER TABLE enrollment_rhythm ADD COLUMN student_external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollment_rhythm ADD COLUMN course_external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollment_rhythm ADD COLUMN offering_external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollment_rhythm ADD COLUMN order_external_id TEXT;
ALTER TABLE enrollment_rhythm ADD COLUMN application_external_id TEXT;
ALTER TABLE enrollment_rhythm ADD COLUMN event_registration_external_id TEXT;
ALTER TABLE enrollment_rhythm ADD COLUMN process_external_id TEXT;
UPDATE enrollment_rhythm SET
    student_external_id = COALESCE((SELECT external_id FROM app_user WHERE app_user.id = enrollment_rhythm.learner_id), ''),
    course_external_id = COALESCE((SELECT external_id FROM course WHERE course.id = enrollment_rhythm.course_id), ''),
    offering_external_id = COALESCE((SELECT external_id FROM offering WHERE offering.id = enrollment_rhythm.offering_id), ''),
    order_external_id = (SELECT external_id FROM sales_order WHERE sales_order.id = enrollment_rhythm.order_id),
    application_external_id = (SELECT external_id FROM certification_application
                               WHERE certification_application.id = enrollment_rhythm.application_id),
    event_registration_external_id = (SELECT external_id FROM event_registration
                                      WHERE event_registration.id = enrollment_rhythm.event_registration_id),
    process_external_id = (SELECT external_id FROM registration_process WHERE registration_process.id = enrollment_rhythm.process_id);
