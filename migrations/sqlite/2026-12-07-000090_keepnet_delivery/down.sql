-- backend-specific: begin
DROP TRIGGER keepnet_certificate_due_assigned;
DROP TRIGGER keepnet_certificate_due_completed;
-- backend-specific: end
DROP TABLE keepnet_certificate_due;
DROP INDEX keepnet_campaign_reminded;
ALTER TABLE keepnet_certificate_mail DROP COLUMN error_message;
DROP INDEX keepnet_reminder_mail_occurrence;
ALTER TABLE keepnet_reminder_mail DROP COLUMN occurrence;
ALTER TABLE keepnet_campaign DROP COLUMN reminded_occurrence;
