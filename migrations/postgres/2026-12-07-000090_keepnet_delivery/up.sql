-- Keepnet delivery (PostgreSQL). Mirrors migrations/sqlite; keep both in step.

-- A reminder mail is one occurrence of its campaign's reminder plan for one target user: the
-- unique key lets any number of schedulers (servers on one database, restarts) queue it once.
ALTER TABLE keepnet_reminder_mail ADD COLUMN occurrence INTEGER;
CREATE UNIQUE INDEX keepnet_reminder_mail_occurrence ON keepnet_reminder_mail (enrollment_id, occurrence);

-- The last occurrence of a campaign's reminder plan queued to every target user due one, so the
-- scheduler looks at a campaign's assignments once an occurrence, not at every round.
ALTER TABLE keepnet_campaign ADD COLUMN reminded_occurrence INTEGER;

-- What the relay said of a certificate mail's last attempt.
ALTER TABLE keepnet_certificate_mail ADD COLUMN error_message TEXT;

-- The campaigns the scheduler visits for reminders: those with a reminder plan.
CREATE INDEX keepnet_campaign_reminded ON keepnet_campaign (start_date) WHERE reminder_period_count IS NOT NULL;

-- Assignments of campaigns awarding certificates whose enrollment has just completed (complete,
-- passed or accepted), whichever face recorded it: written by triggers in the transaction of the
-- completion, read and emptied by the scheduler, which queues the certificate mail. So the
-- scheduler's round costs what is due, not the size of the campaigns.
CREATE TABLE keepnet_certificate_due (
    enrollment_id BIGINT PRIMARY KEY
);
INSERT INTO keepnet_certificate_due (enrollment_id)
SELECT a.enrollment_id FROM keepnet_assignment a JOIN keepnet_campaign c ON c.id = a.campaign_id JOIN enrollment e ON e.id = a.enrollment_id
WHERE c.award_certificate AND e.completion_status IN ('complete', 'passed', 'accepted')
AND NOT EXISTS (SELECT 1 FROM keepnet_certificate_mail m WHERE m.enrollment_id = a.enrollment_id);
-- backend-specific: begin
CREATE FUNCTION keepnet_certificate_due_completed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO keepnet_certificate_due (enrollment_id)
    SELECT a.enrollment_id FROM keepnet_assignment a JOIN keepnet_campaign c ON c.id = a.campaign_id
    WHERE a.enrollment_id = NEW.id AND c.award_certificate
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER keepnet_certificate_due_completed AFTER UPDATE OF completion_status ON enrollment FOR EACH ROW
WHEN (NEW.completion_status IN ('complete', 'passed', 'accepted') AND OLD.completion_status NOT IN ('complete', 'passed', 'accepted'))
EXECUTE FUNCTION keepnet_certificate_due_completed();
-- An assignment made of an enrollment that had completed already.
CREATE FUNCTION keepnet_certificate_due_assigned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO keepnet_certificate_due (enrollment_id)
    SELECT NEW.enrollment_id FROM enrollment e JOIN keepnet_campaign c ON c.id = NEW.campaign_id
    WHERE e.id = NEW.enrollment_id AND c.award_certificate AND e.completion_status IN ('complete', 'passed', 'accepted')
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER keepnet_certificate_due_assigned AFTER INSERT ON keepnet_assignment FOR EACH ROW
EXECUTE FUNCTION keepnet_certificate_due_assigned();
-- backend-specific: end
