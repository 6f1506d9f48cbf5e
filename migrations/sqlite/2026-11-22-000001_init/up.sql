-- lmsbridge core schema (SQLite). Mirrors migrations/postgres; keep both in step.
-- Every external id is text next to an internal integer key; every row carries its tenant.

CREATE TABLE tenant (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    account_url TEXT UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE department (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    external_id TEXT NOT NULL,
    parent_id   BIGINT REFERENCES department(id),
    name        TEXT NOT NULL,
    code        TEXT,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);
CREATE INDEX department_parent ON department (tenant_id, parent_id);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenant(id),
    external_id   TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES department(id),
    login         TEXT NOT NULL,
    email         TEXT,
    first_name    TEXT,
    last_name     TEXT,
    password_hash TEXT,
    role          TEXT NOT NULL,
    status        SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (1, 3)),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    -- Deleted users keep their row (enrollments refer to them) but free their login and e-mail.
    deleted_at    TIMESTAMP,
    UNIQUE (tenant_id, external_id)
);
CREATE UNIQUE INDEX app_user_login ON app_user (tenant_id, login) WHERE deleted_at IS NULL;
CREATE INDEX app_user_department ON app_user (department_id);
CREATE INDEX app_user_email ON app_user (tenant_id, email);

-- Departments a department administrator, publisher or custom role manages (sub-departments implied).
CREATE TABLE user_managed_department (
    user_id       BIGINT NOT NULL REFERENCES app_user(id),
    department_id BIGINT NOT NULL REFERENCES department(id),
    PRIMARY KEY (user_id, department_id)
);

CREATE TABLE course (
    id                       INTEGER PRIMARY KEY,
    tenant_id                BIGINT NOT NULL REFERENCES tenant(id),
    external_id              TEXT NOT NULL,
    title                    TEXT NOT NULL,
    subtitle                 TEXT,
    description              TEXT,
    content_type             TEXT NOT NULL DEFAULT 'course',
    -- The due period ("default" due date type) enrollments get unless told otherwise, in hours.
    default_due_period_hours INTEGER,
    created_at               TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE user_group (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE user_group_member (
    group_id BIGINT NOT NULL REFERENCES user_group(id),
    user_id  BIGINT NOT NULL REFERENCES app_user(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_member_user ON user_group_member (user_id);

-- One row per learner assignment to a course, whatever system it speaks for (`source`);
-- vendor-specific columns belong in 1:1 extension tables keyed by enrollment.id.
CREATE TABLE enrollment (
    id                    INTEGER PRIMARY KEY,
    tenant_id             BIGINT NOT NULL REFERENCES tenant(id),
    external_id           TEXT NOT NULL,
    source                TEXT NOT NULL DEFAULT 'ispring',
    learner_id            BIGINT NOT NULL REFERENCES app_user(id),
    course_id             BIGINT NOT NULL REFERENCES course(id),
    access_date           TIMESTAMP NOT NULL,
    due_date              DATE,
    lock_after_due_date   BOOLEAN NOT NULL DEFAULT FALSE,
    enrollment_type_group SMALLINT NOT NULL DEFAULT 0 CHECK (enrollment_type_group IN (0, 1)),
    lifecycle             TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'archived', 'deleted')),
    completion_status     TEXT NOT NULL DEFAULT 'not_started',
    progress              SMALLINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    completed_at          TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);
-- A learner holds at most one live enrollment per course; this also makes concurrent enrolls idempotent.
CREATE UNIQUE INDEX enrollment_active_pair ON enrollment (course_id, learner_id) WHERE lifecycle = 'active';
CREATE INDEX enrollment_account ON enrollment (tenant_id, lifecycle, id);
CREATE INDEX enrollment_learner ON enrollment (learner_id, lifecycle, id);
CREATE INDEX enrollment_course ON enrollment (course_id, lifecycle, id);

CREATE TABLE certificate (
    id                     INTEGER PRIMARY KEY,
    tenant_id              BIGINT NOT NULL REFERENCES tenant(id),
    enrollment_id          BIGINT NOT NULL UNIQUE REFERENCES enrollment(id),
    external_id            TEXT NOT NULL,
    issued_at              TIMESTAMP NOT NULL,
    issued_offset_minutes  INTEGER NOT NULL DEFAULT 0,
    expires_at             TIMESTAMP,
    expires_offset_minutes INTEGER,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE api_client (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    client_id   TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE api_client_department (
    api_client_id BIGINT NOT NULL REFERENCES api_client(id),
    department_id BIGINT NOT NULL REFERENCES department(id),
    PRIMARY KEY (api_client_id, department_id)
);

-- Tokens are stored as SHA-256 digests only; lookups go by digest.
CREATE TABLE access_token (
    token_hash    TEXT PRIMARY KEY,
    api_client_id BIGINT NOT NULL REFERENCES api_client(id),
    expires_at    TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX access_token_expiry ON access_token (expires_at);
