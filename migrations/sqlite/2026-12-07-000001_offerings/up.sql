-- Offerings and the enrollments held through them (SQLite). Mirrors migrations/postgres; keep both
-- in step. An offering is a scheduled instance of a course: a Skillable class, a Rhythm course
-- offering. An enrollment through one is a row of `enrollment` (the store's canonical state) with
-- the vendor's own statuses beside it in `enrollment_offering`.

CREATE TABLE classroom (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    name       TEXT NOT NULL,
    location   TEXT,
    capacity   INTEGER CHECK (capacity >= 0),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE offering (
    id                  INTEGER PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenant(id),
    course_id           BIGINT NOT NULL REFERENCES course(id),
    -- The caller's id, when it gave one.
    external_id         TEXT,
    name                TEXT NOT NULL,
    description         TEXT,
    starts_at           TIMESTAMP,
    ends_at             TIMESTAMP,
    -- 0 to be determined, 10 classroom, 20 remote classroom, 30 virtual.
    location_type       SMALLINT CHECK (location_type IN (0, 10, 20, 30)),
    classroom_id        BIGINT REFERENCES classroom(id),
    capacity            INTEGER CHECK (capacity >= 0),
    -- Hours before the start within which a cancellation is late.
    late_cancel_hours   INTEGER CHECK (late_cancel_hours >= 0),
    -- 0 scheduled, 1 guaranteed to run, 2 cancelled, 3 rescheduled, 4 tentative, 5 requested, 6 denied, 7 completed.
    confirmation_status SMALLINT NOT NULL DEFAULT 0 CHECK (confirmation_status BETWEEN 0 AND 7),
    -- 1 physical, 2 virtual, 3 mixed.
    delivery_type       SMALLINT NOT NULL DEFAULT 1 CHECK (delivery_type IN (1, 2, 3)),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX offering_external ON offering (tenant_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX offering_course ON offering (tenant_id, course_id, id);
CREATE INDEX offering_start ON offering (tenant_id, starts_at, id);
CREATE INDEX offering_name ON offering (tenant_id, name, id);

-- One per enrollment held through an offering; at most one per (offering, learner).
CREATE TABLE enrollment_offering (
    enrollment_id     BIGINT PRIMARY KEY REFERENCES enrollment(id),
    tenant_id         BIGINT NOT NULL REFERENCES tenant(id),
    offering_id       BIGINT NOT NULL REFERENCES offering(id),
    learner_id        BIGINT NOT NULL REFERENCES app_user(id),
    -- The caller's id of the class enrollment, when it gave one.
    external_id       TEXT,
    -- Skillable's EnrollmentStatusId and CompletionStatusId, as sent.
    enrollment_status SMALLINT NOT NULL CHECK (enrollment_status IN (0, 10, 20, 30, 40, 50, 60)),
    completion_status SMALLINT NOT NULL CHECK (completion_status IN (0, 10, 20, 30, 40, 50)),
    late_cancel       BOOLEAN NOT NULL DEFAULT FALSE,
    retake            BOOLEAN NOT NULL DEFAULT FALSE,
    location_type     SMALLINT CHECK (location_type IN (0, 10, 20, 30)),
    classroom_id      BIGINT REFERENCES classroom(id),
    hours_spent       INTEGER,
    grade             INTEGER,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (offering_id, learner_id)
);
CREATE INDEX enrollment_offering_tenant ON enrollment_offering (tenant_id, enrollment_id);
CREATE INDEX enrollment_offering_learner ON enrollment_offering (tenant_id, learner_id, enrollment_id);
CREATE INDEX enrollment_offering_status ON enrollment_offering (tenant_id, enrollment_status, enrollment_id);
CREATE INDEX enrollment_offering_created ON enrollment_offering (tenant_id, created_at, enrollment_id);

-- Skillable looks users up by e-mail in any case.
CREATE INDEX app_user_email_lower ON app_user (tenant_id, lower(email));

-- Custom fields a tenant defines on a kind of record, and their values.
CREATE TABLE custom_field (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    applies_to TEXT NOT NULL CHECK (applies_to IN ('class_enrollment')),
    name       TEXT NOT NULL,
    -- 0 textbox, 10 dropdown list, 20 checkbox, 30 number, 60 user selector, 70 checkbox list.
    data_type  SMALLINT NOT NULL DEFAULT 0 CHECK (data_type IN (0, 10, 20, 30, 60, 70)),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, applies_to, name)
);

CREATE TABLE enrollment_custom_value (
    enrollment_id   BIGINT NOT NULL REFERENCES enrollment(id),
    custom_field_id BIGINT NOT NULL REFERENCES custom_field(id),
    text_value      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (enrollment_id, custom_field_id)
);

-- Integration keys of the vendor faces that authenticate with one static key (Skillable's
-- api_key). Kept as SHA-256 digests only; a revoked key stays, so its use is answered as revoked.
CREATE TABLE integration_key (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    face       TEXT NOT NULL CHECK (face IN ('skillable')),
    key_hash   TEXT NOT NULL UNIQUE,
    -- The first characters of the key, to tell keys apart in listings.
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX integration_key_tenant ON integration_key (tenant_id, face);
