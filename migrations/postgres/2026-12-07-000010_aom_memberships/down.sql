DROP INDEX webinar_registration_enrollment;
DROP INDEX user_membership_membership;
ALTER TABLE membership DROP COLUMN expired_at;
