-- Keepnet delivery (SQLite). Mirrors migrations/postgres; keep both in step.

-- A reminder mail is one occurrence of its campaign's reminder plan for one target user: the
-- unique key lets any number of schedulers (servers on one database, restarts) queue it once.
ALTER TABLE keepnet_reminder_mail ADD COLUMN occurrence INTEGER;
CREATE UNIQUE INDEX keepnet_reminder_mail_occurrence ON keepnet_reminder_mail (enrollment_id, occurrence);

-- What the relay said of a certificate mail's last attempt.
ALTER TABLE keepnet_certificate_mail ADD COLUMN error_message TEXT;

-- The campaigns the scheduler visits: those with a reminder plan, and those awarding certificates.
CREATE INDEX keepnet_campaign_reminded ON keepnet_campaign (start_date) WHERE reminder_period_count IS NOT NULL;
CREATE INDEX keepnet_campaign_certified ON keepnet_campaign (id) WHERE award_certificate;
