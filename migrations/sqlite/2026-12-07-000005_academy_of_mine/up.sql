-- Academy Of Mine: tokens acting as one user in one role, portals, modules and their progress,
-- learning paths, certificates, activities, webinars and memberships.

-- backend-specific: begin
-- Integration keys are also Academy Of Mine's tokens (SQLite cannot change a CHECK: the table is rebuilt).
CREATE TABLE integration_key_new (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    face       TEXT NOT NULL CHECK (face IN ('skillable', 'rhythm', 'aom')),
    key_hash   TEXT NOT NULL UNIQUE,
    -- The first characters of the key, to tell keys apart in listings.
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    user_id    BIGINT REFERENCES app_user(id),
    role       TEXT CHECK (role IN ('owner', 'admin', 'staff', 'portal_admin', 'learner'))
);
INSERT INTO integration_key_new (id, tenant_id, face, key_hash, key_prefix, created_at, revoked_at)
    SELECT id, tenant_id, face, key_hash, key_prefix, created_at, revoked_at FROM integration_key;
DROP TABLE integration_key;
ALTER TABLE integration_key_new RENAME TO integration_key;
CREATE INDEX integration_key_tenant ON integration_key (tenant_id, face);
-- backend-specific: end

-- Access to a course can be revoked and granted again: the enrollment is kept, locked on every face
-- while revoked.
ALTER TABLE enrollment ADD COLUMN access_revoked_at TIMESTAMP;
-- When the learner first and last opened the course, and the time spent in it.
ALTER TABLE enrollment ADD COLUMN started_at TIMESTAMP;
ALTER TABLE enrollment ADD COLUMN last_accessed_at TIMESTAMP;
ALTER TABLE enrollment ADD COLUMN time_spent_seconds BIGINT NOT NULL DEFAULT 0 CHECK (time_spent_seconds >= 0);
-- The moment access ends, when a face gave one with a time of day; the due date is its day, and
-- the moment counts only while the due date is still that day.
ALTER TABLE enrollment ADD COLUMN expires_at TIMESTAMP;

-- What a certificate looks like; a course or learning path with one issues certificates.
CREATE TABLE certificate_template (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX certificate_template_tenant ON certificate_template (tenant_id, id);

-- A course as a catalog shows it, and its certificate policy.
ALTER TABLE course ADD COLUMN slug TEXT;
ALTER TABLE course ADD COLUMN instructions TEXT;
ALTER TABLE course ADD COLUMN featured_image_url TEXT;
ALTER TABLE course ADD COLUMN estimated_minutes INTEGER CHECK (estimated_minutes >= 0);
ALTER TABLE course ADD COLUMN certificate_template_id BIGINT REFERENCES certificate_template(id);
-- Days a certificate of the course stays valid; none: it never expires.
ALTER TABLE course ADD COLUMN certificate_valid_days INTEGER CHECK (certificate_valid_days > 0);

-- A course's modules, in order, and each learner's progress through them.
CREATE TABLE course_module (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    course_id   BIGINT NOT NULL REFERENCES course(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'video', 'pdf', 'powerpoint', 'flashcards', 'scorm', 'quiz',
                    'assignment', 'discussion', 'survey', 'webinar')),
    total_marks INTEGER CHECK (total_marks >= 0),
    UNIQUE (course_id, position)
);

CREATE TABLE module_progress (
    id                 INTEGER PRIMARY KEY,
    enrollment_id      BIGINT NOT NULL REFERENCES enrollment(id),
    module_id          BIGINT NOT NULL REFERENCES course_module(id),
    status             TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed', 'submitted')),
    started_at         TIMESTAMP,
    completed_at       TIMESTAMP,
    last_accessed_at   TIMESTAMP,
    time_spent_seconds BIGINT NOT NULL DEFAULT 0 CHECK (time_spent_seconds >= 0),
    times_accessed     INTEGER NOT NULL DEFAULT 0 CHECK (times_accessed >= 0),
    obtained_marks     INTEGER,
    UNIQUE (enrollment_id, module_id)
);

-- Portals: groups of learners with their own catalog, seats and sub-portals. They stand beside the
-- department tree, because a user belongs to one department but to any number of portals.
CREATE TABLE portal (
    id                    INTEGER PRIMARY KEY,
    tenant_id             BIGINT NOT NULL REFERENCES tenant(id),
    parent_id             BIGINT REFERENCES portal(id),
    -- The ids from the root down ('/3/7/'): a portal and all under it are one range of an index.
    path                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    slug                  TEXT NOT NULL,
    referral_code         TEXT,
    -- Learner seats; none: unlimited.
    total_seats           INTEGER CHECK (total_seats >= 0),
    seat_access           TEXT,
    access_permission     TEXT,
    expires_at            TIMESTAMP,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    brand_color           TEXT,
    body_background_color TEXT,
    body_text_color       TEXT,
    primary_language      TEXT,
    expiry_message        TEXT,
    logo_image_url        TEXT,
    mini_logo_image_url   TEXT,
    header_background_color TEXT,
    custom_style          TEXT,
    custom_font           TEXT,
    custom_code           TEXT,
    learner_dashboard     INTEGER,
    created_by            BIGINT REFERENCES app_user(id),
    created_at            TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, slug)
);
CREATE INDEX portal_path ON portal (tenant_id, path);
CREATE INDEX portal_parent ON portal (parent_id, id);

CREATE TABLE portal_user (
    portal_id  BIGINT NOT NULL REFERENCES portal(id),
    user_id    BIGINT NOT NULL REFERENCES app_user(id),
    kind       TEXT NOT NULL CHECK (kind IN ('learner', 'portal_admin')),
    is_active  BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (portal_id, kind, user_id)
);
CREATE INDEX portal_user_user ON portal_user (user_id, kind, portal_id);

CREATE TABLE portal_course (
    portal_id  BIGINT NOT NULL REFERENCES portal(id),
    course_id  BIGINT NOT NULL REFERENCES course(id),
    is_public  BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (portal_id, course_id)
);
CREATE INDEX portal_course_course ON portal_course (course_id, portal_id);

-- E-mail domains (or whole addresses) a portal does not take learners from.
CREATE TABLE portal_blocked_domain (
    portal_id BIGINT NOT NULL REFERENCES portal(id),
    domain    TEXT NOT NULL,
    PRIMARY KEY (portal_id, domain)
);

-- The portal a user works in now.
ALTER TABLE app_user ADD COLUMN current_portal_id BIGINT REFERENCES portal(id);

-- Learning paths: at least two courses in order; progress comes from the courses' enrollments.
CREATE TABLE learning_path (
    id                      INTEGER PRIMARY KEY,
    tenant_id               BIGINT NOT NULL REFERENCES tenant(id),
    name                    TEXT NOT NULL,
    slug                    TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'publish')),
    instructions            TEXT,
    credits                 INTEGER,
    certificate_template_id BIGINT REFERENCES certificate_template(id),
    created_at              TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, slug)
);

CREATE TABLE learning_path_course (
    learning_path_id BIGINT NOT NULL REFERENCES learning_path(id),
    course_id        BIGINT NOT NULL REFERENCES course(id),
    position         INTEGER NOT NULL,
    PRIMARY KEY (learning_path_id, course_id)
);
CREATE INDEX learning_path_course_course ON learning_path_course (course_id, learning_path_id);

CREATE TABLE portal_learning_path (
    portal_id        BIGINT NOT NULL REFERENCES portal(id),
    learning_path_id BIGINT NOT NULL REFERENCES learning_path(id),
    is_public        BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (portal_id, learning_path_id)
);

CREATE TABLE learning_path_enrollment (
    id                     INTEGER PRIMARY KEY,
    tenant_id              BIGINT NOT NULL REFERENCES tenant(id),
    learning_path_id       BIGINT NOT NULL REFERENCES learning_path(id),
    learner_id             BIGINT NOT NULL REFERENCES app_user(id),
    lifecycle              TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
    registered_at          TIMESTAMP NOT NULL,
    last_accessed_at       TIMESTAMP,
    certificate_issued_at  TIMESTAMP,
    certificate_expires_at TIMESTAMP,
    updated_at             TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX learning_path_enrollment_pair ON learning_path_enrollment (learning_path_id, learner_id) WHERE lifecycle = 'active';
CREATE INDEX learning_path_enrollment_path ON learning_path_enrollment (learning_path_id, lifecycle, id);
CREATE INDEX learning_path_enrollment_learner ON learning_path_enrollment (learner_id, lifecycle, id);

-- What happened to whose enrollment: one row per action, in Academy Of Mine's verbs.
CREATE TABLE activity (
    id               INTEGER PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenant(id),
    verb             TEXT NOT NULL CHECK (verb IN ('ENROLLED', 'STARTED', 'ACCESSED', 'COMPLETED', 'SUBMITTED',
                         'EVALUATED', 'REJECTED', 'RETAKE', 'ACHIEVED CERTIFICATE', 'RESET', 'REMOVED', 'REVOKED',
                         'GRANTED', 'UPDATED EXPIRY DATE', 'FAILED', 'MANUALLY UPDATED', 'REGISTERED', 'ATTENDED',
                         'NO SHOW', 'CANCELLED', 'ACHIEVED BADGE')),
    learner_id       BIGINT NOT NULL REFERENCES app_user(id),
    course_id        BIGINT REFERENCES course(id),
    learning_path_id BIGINT REFERENCES learning_path(id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX activity_course ON activity (course_id, id);
CREATE INDEX activity_learning_path ON activity (learning_path_id, id);
CREATE INDEX activity_learner ON activity (learner_id, id);

-- A course's live sessions and who registered for them (by course enrollment).
CREATE TABLE webinar (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    course_id  BIGINT NOT NULL REFERENCES course(id),
    name       TEXT NOT NULL,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    location   TEXT,
    instructor TEXT
);
CREATE INDEX webinar_course ON webinar (course_id, id);

CREATE TABLE webinar_registration (
    webinar_id       BIGINT NOT NULL REFERENCES webinar(id),
    enrollment_id    BIGINT NOT NULL REFERENCES enrollment(id),
    status           TEXT NOT NULL,
    notes            TEXT,
    attendance       TEXT CHECK (attendance IN ('Attended', 'No Show', 'Cancelled', 'Partially Attended')),
    recording_type   TEXT,
    recorded_at      TIMESTAMP,
    registered_at    TIMESTAMP NOT NULL,
    last_accessed_at TIMESTAMP,
    PRIMARY KEY (webinar_id, enrollment_id)
);

-- Memberships: access plans a user holds until they expire.
CREATE TABLE membership (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE user_membership (
    user_id       BIGINT NOT NULL PRIMARY KEY REFERENCES app_user(id),
    membership_id BIGINT NOT NULL REFERENCES membership(id),
    expired_at    TIMESTAMP
);

-- Courses every new learner is enrolled in.
CREATE TABLE course_auto_enroll (
    tenant_id BIGINT NOT NULL REFERENCES tenant(id),
    course_id BIGINT NOT NULL REFERENCES course(id),
    PRIMARY KEY (tenant_id, course_id)
);
