DROP TABLE outbox;
DROP TABLE enrollment_rhythm;
DROP TABLE event_registration;
DROP TABLE certification_application;
DROP TABLE sales_order;
DROP TABLE registration_process_course;
DROP TABLE registration_process;
ALTER TABLE offering DROP COLUMN fee_currency;
ALTER TABLE offering DROP COLUMN fee_amount;
DROP INDEX tenant_rhythm_id;
ALTER TABLE tenant DROP COLUMN rhythm_id;
DELETE FROM integration_key WHERE face = 'rhythm';
-- backend-specific: begin
ALTER TABLE integration_key DROP CONSTRAINT integration_key_face_check;
ALTER TABLE integration_key ADD CONSTRAINT integration_key_face_check CHECK (face IN ('skillable'));
-- backend-specific: end
