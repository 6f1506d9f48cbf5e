-- Rhythm's course registrations and what they refer to (SQLite). Mirrors migrations/postgres;
-- keep both in step.

-- backend-specific: begin
-- Integration keys are also Rhythm's (SQLite cannot change a CHECK: the table is rebuilt).
CREATE TABLE integration_key_new (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenant(id),
    face       TEXT NOT NULL CHECK (face IN ('skillable', 'rhythm')),
    key_hash   TEXT NOT NULL UNIQUE,
    -- The first characters of the key, to tell keys apart in listings.
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
INSERT INTO integration_key_new SELECT id, tenant_id, face, key_hash, key_prefix, created_at, revoked_at FROM integration_key;
DROP TABLE integration_key;
ALTER TABLE integration_key_new RENAME TO integration_key;
CREATE INDEX integration_key_tenant ON integration_key (tenant_id, face);
-- backend-specific: end

-- A tenant's id as Rhythm names tenants in its paths (`incose.org`).
ALTER TABLE tenant ADD COLUMN rhythm_id TEXT;
CREATE UNIQUE INDEX tenant_rhythm_id ON tenant (rhythm_id) WHERE rhythm_id IS NOT NULL;

-- What an offering costs: the total of an order generated for a registration in it.
ALTER TABLE offering ADD COLUMN fee_amount DOUBLE PRECISION CHECK (fee_amount >= 0);
ALTER TABLE offering ADD COLUMN fee_currency TEXT;

-- A registration process: a way of registering, naming the courses it may register for.
CREATE TABLE registration_process (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE registration_process_course (
    process_id BIGINT NOT NULL REFERENCES registration_process(id),
    course_id  BIGINT NOT NULL REFERENCES course(id),
    PRIMARY KEY (process_id, course_id)
);

-- An order of the commerce side: what pays for a registration.
CREATE TABLE sales_order (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenant(id),
    external_id     TEXT NOT NULL,
    number          BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('awaiting payment', 'awaiting shipping', 'awaiting pickup',
                        'partially shipped', 'shipped', 'completed', 'cancelled', 'disputed', 'open', 'returned', 'void')),
    bill_to_id      BIGINT REFERENCES app_user(id),
    currency_code   TEXT NOT NULL,
    currency_symbol TEXT NOT NULL,
    total           DOUBLE PRECISION NOT NULL CHECK (total >= 0),
    amount_paid     DOUBLE PRECISION NOT NULL DEFAULT 0,
    balance_due     DOUBLE PRECISION NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, number)
);

-- A certification application and an event registration: records a registration may belong to.
CREATE TABLE certification_application (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenant(id),
    external_id   TEXT NOT NULL,
    learner_id    BIGINT NOT NULL REFERENCES app_user(id),
    type          TEXT NOT NULL CHECK (type IN ('certification', 'renewal', 'reinstatement', 'transfer')),
    review_status TEXT NOT NULL CHECK (review_status IN ('pending review', 'alternate', 'accepted', 'declined')),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE event_registration (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    external_id TEXT NOT NULL,
    learner_id  BIGINT NOT NULL REFERENCES app_user(id),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'pending approval', 'active', 'cancelled')),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, external_id)
);

-- A course registration: the `enrollment` row (its external id is the registration's id) with
-- Rhythm's fields beside it, one to one. Searched and indexed fields are columns; the rest of the
-- record, typed by the service, is the `details` JSON document.
CREATE TABLE enrollment_rhythm (
    -- backend-specific: begin
    -- SQLite: the enrollment's id is the row's own key (an INTEGER PRIMARY KEY), found in one step.
    enrollment_id           INTEGER PRIMARY KEY REFERENCES enrollment(id),
    -- backend-specific: end
    tenant_id               BIGINT NOT NULL REFERENCES tenant(id),
    learner_id              BIGINT NOT NULL REFERENCES app_user(id),
    course_id               BIGINT NOT NULL REFERENCES course(id),
    offering_id             BIGINT NOT NULL REFERENCES offering(id),
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'registered', 'attended', 'no show', 'cancelled',
                                'in progress', 'completed')),
    order_id                BIGINT REFERENCES sales_order(id),
    application_id          BIGINT REFERENCES certification_application(id),
    event_registration_id   BIGINT REFERENCES event_registration(id),
    process_id              BIGINT REFERENCES registration_process(id),
    name                    TEXT NOT NULL,
    email_address           TEXT,
    job_title               TEXT,
    city                    TEXT,
    state                   TEXT,
    order_number            DOUBLE PRECISION,
    order_balance_due       DOUBLE PRECISION,
    order_amount_paid       DOUBLE PRECISION,
    order_status            TEXT,
    order_total             DOUBLE PRECISION,
    training_provider_id    TEXT,
    training_location_id    TEXT,
    arrival_date            TIMESTAMP,
    departure_date          TIMESTAMP,
    registered_at           TIMESTAMP,
    sys_version             BIGINT NOT NULL CHECK (sys_version >= 1),
    sys_locked              BOOLEAN NOT NULL DEFAULT FALSE,
    sys_created_at          TIMESTAMP NOT NULL,
    sys_last_modified_at    TIMESTAMP NOT NULL,
    sys_created_by_id       TEXT NOT NULL,
    sys_last_modified_by_id TEXT NOT NULL,
    details                 TEXT NOT NULL
);
-- The scan and every lookup route page by enrollment id within their filter.
CREATE INDEX enrollment_rhythm_tenant ON enrollment_rhythm (tenant_id, enrollment_id);
CREATE INDEX enrollment_rhythm_student ON enrollment_rhythm (tenant_id, learner_id, enrollment_id);
CREATE INDEX enrollment_rhythm_course ON enrollment_rhythm (tenant_id, course_id, enrollment_id);
CREATE INDEX enrollment_rhythm_student_course ON enrollment_rhythm (tenant_id, learner_id, course_id, enrollment_id);
CREATE INDEX enrollment_rhythm_offering ON enrollment_rhythm (tenant_id, offering_id, enrollment_id);
CREATE INDEX enrollment_rhythm_order ON enrollment_rhythm (tenant_id, order_id, enrollment_id);
CREATE INDEX enrollment_rhythm_application ON enrollment_rhythm (tenant_id, application_id, enrollment_id);
CREATE INDEX enrollment_rhythm_event_registration ON enrollment_rhythm (tenant_id, event_registration_id, enrollment_id);

-- Messages that leave the process (e-mail), written in the transaction of the change that makes
-- them and delivered afterwards by the sender, with retries: none is lost, none is invented.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenant(id),
    kind            TEXT NOT NULL CHECK (kind IN ('mail')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;
