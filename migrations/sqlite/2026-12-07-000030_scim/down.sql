DROP INDEX user_group_updated;
DROP INDEX user_group_created;
DROP INDEX user_group_scim_external_id;
DROP INDEX user_group_name_lower;
DROP INDEX department_code;
DROP INDEX department_name_lower;
DROP INDEX app_user_updated;
DROP INDEX app_user_created;
DROP INDEX app_user_status;
DROP INDEX app_user_tenant_department;
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
CREATE TABLE integration_key_old (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    face       TEXT NOT NULL CHECK (face IN ('skillable', 'rhythm', 'aom')),
    key_hash   TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    user_id    BIGINT REFERENCES app_user(id),
    role       TEXT CHECK (role IN ('owner', 'admin', 'staff', 'portal_admin', 'learner'))
);
INSERT INTO integration_key_old SELECT id, tenant_id, face, key_hash, key_prefix, created_at, revoked_at, user_id, role FROM integration_key;
DROP TABLE integration_key;
ALTER TABLE integration_key_old RENAME TO integration_key;
CREATE INDEX integration_key_tenant ON integration_key (tenant_id, face);
-- backend-specific: end
