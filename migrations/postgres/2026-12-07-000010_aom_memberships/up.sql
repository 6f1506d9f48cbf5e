-- A membership's own expiry: a user's membership without a date of its own ends then.
ALTER TABLE membership ADD COLUMN expired_at TIMESTAMP;
-- The members of a membership (quick edit and bulk upload attach many at once).
CREATE INDEX user_membership_membership ON user_membership (membership_id, user_id);
-- A course registration's webinar registrations (the students list and reports join from it).
CREATE INDEX webinar_registration_enrollment ON webinar_registration (enrollment_id, webinar_id);
