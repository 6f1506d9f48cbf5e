ALTER TABLE enrollment_rhythm DROP COLUMN process_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN event_registration_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN application_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN order_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN offering_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN course_external_id;
ALTER TABLE enrollment_rhythm DROP COLUMN student_external_id;
