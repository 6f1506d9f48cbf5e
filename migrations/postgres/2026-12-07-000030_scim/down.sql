DROP INDEX user_group_updated;
DROP INDEX user_group_created;
DROP INDEX user_group_scim_external_id;
DROP INDEX user_group_name_lower;
DROP INDEX department_code;
DROP INDEX department_name_lower;
DROP INDEX app_user_updated;
DROP INDEX app_user_created;
DROP INDEX app_user_status;
DROP INDEX app_user_manager;
DROP INDEX app_user_employee_number_lower;
DROP INDEX app_user_email_type_lower;
DROP INDEX app_user_display_name_lower;
DROP INDEX app_user_last_name_lower;
DROP INDEX app_user_first_name_lower;
DROP INDEX app_user_scim_external_id;
DROP INDEX app_user_login_lower;
ALTER TABLE user_group DROP COLUMN updated_at;
ALTER TABLE user_group DROP COLUMN scim_external_id;
ALTER TABLE app_user DROP COLUMN manager_id;
ALTER TABLE app_user DROP COLUMN employee_number;
ALTER TABLE app_user DROP COLUMN email_type;
ALTER TABLE app_user DROP COLUMN display_name;
ALTER TABLE app_user DROP COLUMN scim_external_id;
-- backend-specific: begin
DELETE FROM integration_key WHERE face = 'scim';
ALTER TABLE integration_key DROP CONSTRAINT integration_key_face_check;
ALTER TABLE integration_key ADD CONSTRAINT integration_key_face_check CHECK (face IN ('skillable', 'rhythm', 'aom'));
-- backend-specific: end
