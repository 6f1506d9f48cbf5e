DROP INDEX keepnet_campaign_certified;
DROP INDEX keepnet_campaign_reminded;
ALTER TABLE keepnet_certificate_mail DROP COLUMN error_message;
DROP INDEX keepnet_reminder_mail_occurrence;
ALTER TABLE keepnet_reminder_mail DROP COLUMN occurrence;
