-- SCIM 2.0 provisioning (SQLite). Mirrors migrations/postgres; keep both in step.

-- backend-specific: begin
-- Integration keys are also SCIM bearer tokens (SQLite cannot change a CHECK: the table is rebuilt).
CREATE TABLE integration_key_new (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    face       TEXT NOT NULL CHECK (face IN ('skillable', 'rhythm', 'aom', 'scim')),
    key_hash   TEXT NOT NULL UNIQUE,
    -- The first characters of the key, to tell keys apart in listings.
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    user_id    BIGINT REFERENCES app_user(id),
    role       TEXT CHECK (role IN ('owner', 'admin', 'staff', 'portal_admin', 'learner'))
);
INSERT INTO integration_key_new SELECT id, tenant_id, face, key_hash, key_prefix, created_at, revoked_at, user_id, role FROM integration_key;
DROP TABLE integration_key;
ALTER TABLE integration_key_new RENAME TO integration_key;
CREATE INDEX integration_key_tenant ON integration_key (tenant_id, face);
-- backend-specific: end

-- What an identity provider says of a user beyond the profile: its own id for the user, the name
-- to display, the kind of the e-mail address, the employee number and the manager.
ALTER TABLE app_user ADD COLUMN scim_external_id TEXT;
ALTER TABLE app_user ADD COLUMN display_name TEXT;
ALTER TABLE app_user ADD COLUMN email_type TEXT;
ALTER TABLE app_user ADD COLUMN employee_number TEXT;
ALTER TABLE app_user ADD COLUMN manager_id BIGINT REFERENCES app_user(id);

-- A group's id at the identity provider, and when it last changed (members included).
ALTER TABLE user_group ADD COLUMN scim_external_id TEXT;
ALTER TABLE user_group ADD COLUMN updated_at TIMESTAMP;
UPDATE user_group SET updated_at = created_at;

-- SCIM filters are compiled to SQL: every attribute they can name has an index. Attributes SCIM
-- compares without case are indexed lowered, as the compiled conditions compare them.
CREATE INDEX app_user_login_lower ON app_user (tenant_id, lower(login));
CREATE INDEX app_user_scim_external_id ON app_user (tenant_id, scim_external_id);
CREATE INDEX app_user_first_name_lower ON app_user (tenant_id, lower(first_name));
CREATE INDEX app_user_last_name_lower ON app_user (tenant_id, lower(last_name));
CREATE INDEX app_user_display_name_lower ON app_user (tenant_id, lower(display_name));
CREATE INDEX app_user_email_type_lower ON app_user (tenant_id, lower(email_type));
CREATE INDEX app_user_employee_number_lower ON app_user (tenant_id, lower(employee_number));
CREATE INDEX app_user_manager ON app_user (tenant_id, manager_id);
CREATE INDEX app_user_tenant_department ON app_user (tenant_id, department_id);
CREATE INDEX app_user_status ON app_user (tenant_id, status);
CREATE INDEX app_user_created ON app_user (tenant_id, created_at);
CREATE INDEX app_user_updated ON app_user (tenant_id, updated_at);
CREATE INDEX department_name_lower ON department (tenant_id, lower(name));
CREATE INDEX department_code ON department (tenant_id, code);
CREATE INDEX user_group_name_lower ON user_group (tenant_id, lower(name));
CREATE INDEX user_group_scim_external_id ON user_group (tenant_id, scim_external_id);
CREATE INDEX user_group_created ON user_group (tenant_id, created_at);
CREATE INDEX user_group_updated ON user_group (tenant_id, updated_at);
