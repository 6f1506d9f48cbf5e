DROP TABLE course_auto_enroll;
DROP TABLE user_membership;
DROP TABLE membership;
DROP TABLE webinar_registration;
DROP TABLE webinar;
DROP TABLE activity;
DROP TABLE learning_path_enrollment;
DROP TABLE portal_learning_path;
DROP TABLE learning_path_course;
DROP TABLE learning_path;
ALTER TABLE app_user DROP COLUMN current_portal_id;
DROP TABLE portal_blocked_domain;
DROP TABLE portal_course;
DROP TABLE portal_user;
DROP TABLE portal;
DROP TABLE module_progress;
DROP TABLE course_module;
ALTER TABLE course DROP COLUMN certificate_valid_days;
ALTER TABLE course DROP COLUMN certificate_template_id;
ALTER TABLE course DROP COLUMN estimated_minutes;
ALTER TABLE course DROP COLUMN featured_image_url;
ALTER TABLE course DROP COLUMN instructions;
ALTER TABLE course DROP COLUMN slug;
DROP TABLE certificate_template;
ALTER TABLE enrollment DROP COLUMN expires_at;
ALTER TABLE enrollment DROP COLUMN time_spent_seconds;
ALTER TABLE enrollment DROP COLUMN last_accessed_at;
ALTER TABLE enrollment DROP COLUMN started_at;
ALTER TABLE enrollment DROP COLUMN access_revoked_at;

-- backend-specific: begin
DELETE FROM integration_key WHERE face = 'aom';
ALTER TABLE integration_key DROP COLUMN role;
ALTER TABLE integration_key DROP COLUMN user_id;
ALTER TABLE integration_key DROP CONSTRAINT integration_key_face_check;
ALTER TABLE integration_key ADD CONSTRAINT integration_key_face_check CHECK (face IN ('skillable', 'rhythm'));
-- backend-specific: end
