-- Keepnet Labs: companies in a reseller tree, role-bearing credentials, campaigns and what their
-- mail did (SQLite). Mirrors migrations/postgres; keep both in step.

-- A company is a tenant; its place in the reseller tree and its licence live here.
CREATE TABLE keepnet_company (
    tenant_id                  BIGINT PRIMARY KEY REFERENCES tenant(id),
    -- The Company ID clients send (12 letters and digits).
    resource_id                TEXT NOT NULL UNIQUE,
    -- The reseller (or customer company) that manages this one; NULL at the top of a tree.
    parent_id                  BIGINT REFERENCES tenant(id),
    industry_name              TEXT,
    industry_resource_id       TEXT,
    license_type_name          TEXT NOT NULL DEFAULT 'Custom',
    license_type_resource_id   TEXT,
    is_number_of_users_limited BOOLEAN NOT NULL DEFAULT FALSE,
    number_of_users            INTEGER NOT NULL DEFAULT 0 CHECK (number_of_users >= 0),
    license_end_date           TIMESTAMP,
    privacy_duration_id        INTEGER NOT NULL DEFAULT 1,
    -- Tags, one a line.
    tags                       TEXT NOT NULL DEFAULT '',
    logo_path                  TEXT,
    created_at                 TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_company_parent ON keepnet_company (parent_id);
CREATE INDEX keepnet_company_created ON keepnet_company (created_at);

-- REST API credentials of a company, with Keepnet's client role; they authenticate on the Keepnet
-- face only. Secrets and tokens are kept as SHA-256 digests.
CREATE TABLE keepnet_client (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    client_id   TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('Reseller', 'Company Admin')),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_client_tenant ON keepnet_client (tenant_id);

CREATE TABLE keepnet_token (
    token_hash        TEXT PRIMARY KEY,
    keepnet_client_id BIGINT NOT NULL REFERENCES keepnet_client(id),
    expires_at        TIMESTAMP NOT NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_token_expiry ON keepnet_token (expires_at);

-- The key the face signs its tokens with (HMAC-SHA256), shared by every server on the database.
CREATE TABLE keepnet_signing_key (
    id         INTEGER PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A campaign (Keepnet's "enrollment"): one training, survey, learning path, poster, … sent to a set
-- of target users, with a schedule, a due date and a reminder plan.
CREATE TABLE keepnet_campaign (
    id                        INTEGER PRIMARY KEY,
    tenant_id                 BIGINT NOT NULL REFERENCES tenant(id),
    -- The enrollmentId clients see (a UUID).
    external_id               TEXT NOT NULL UNIQUE,
    course_id                 BIGINT NOT NULL REFERENCES course(id),
    name                      TEXT NOT NULL,
    enrollment_type           TEXT NOT NULL CHECK (enrollment_type IN ('SCORM', 'LearningPath', 'Poster', 'Infographic', 'Screensaver', 'Survey')),
    status                    TEXT NOT NULL CHECK (status IN ('Auto-Enroll', 'Sending', 'Finished', 'Scheduled', 'Error', 'Stopped', 'Paused', 'Archived', 'Deleted', 'SCORM Proxy')),
    delivery_type             TEXT NOT NULL CHECK (delivery_type IN ('Email', 'Email & SMS', 'Email & Microsoft Teams')),
    recipient_type            TEXT NOT NULL CHECK (recipient_type IN ('UserGroup', 'Campaign')),
    enrolled_by               TEXT NOT NULL,
    category                  TEXT,
    target_audience           TEXT,
    level                     TEXT,
    duration                  TEXT,
    -- Language codes and tags, one a line.
    languages                 TEXT NOT NULL DEFAULT 'en',
    tags                      TEXT NOT NULL DEFAULT '',
    has_quiz                  BOOLEAN NOT NULL DEFAULT FALSE,
    award_certificate         BOOLEAN NOT NULL DEFAULT FALSE,
    is_test                   BOOLEAN NOT NULL DEFAULT FALSE,
    start_date                TIMESTAMP NOT NULL,
    time_zone                 TEXT NOT NULL DEFAULT 'UTC',
    due_date                  TIMESTAMP,
    -- The reminder plan: every `period_count` `period_type`s, until `end_type` says stop.
    reminder_period_count     INTEGER CHECK (reminder_period_count > 0),
    reminder_period_type      TEXT CHECK (reminder_period_type IN ('Day', 'Week', 'Month')),
    reminder_end_type         TEXT CHECK (reminder_end_type IN ('Never', 'AfterOccurrences', 'OnDate')),
    reminder_occurrence_count INTEGER,
    reminder_stop_time        TIMESTAMP,
    created_at                TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_campaign_tenant ON keepnet_campaign (tenant_id, created_at);
CREATE INDEX keepnet_campaign_type ON keepnet_campaign (tenant_id, enrollment_type);
CREATE INDEX keepnet_campaign_status ON keepnet_campaign (tenant_id, status);
CREATE INDEX keepnet_campaign_name_lower ON keepnet_campaign (tenant_id, lower(name));
CREATE INDEX keepnet_campaign_start ON keepnet_campaign (tenant_id, start_date);

-- A target user's assignment: one enrollment of the store, and its sending record (the invitation
-- mail queued in the outbox with it, and what its delivery attempts did).
CREATE TABLE keepnet_assignment (
    enrollment_id       BIGINT PRIMARY KEY REFERENCES enrollment(id),
    tenant_id           BIGINT NOT NULL REFERENCES tenant(id),
    campaign_id         BIGINT NOT NULL REFERENCES keepnet_campaign(id),
    outbox_id           BIGINT REFERENCES outbox(id),
    first_send_date     TIMESTAMP,
    last_send_date      TIMESTAMP,
    last_sending_status TEXT NOT NULL DEFAULT 'In Queue',
    error_message       TEXT,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_assignment_campaign ON keepnet_assignment (campaign_id, enrollment_id);
CREATE INDEX keepnet_assignment_status ON keepnet_assignment (campaign_id, last_sending_status);
CREATE INDEX keepnet_assignment_sent ON keepnet_assignment (campaign_id, last_send_date);
CREATE INDEX keepnet_assignment_outbox ON keepnet_assignment (outbox_id);

-- Reminder mails sent by the campaign's reminder plan to those who have not completed.
CREATE TABLE keepnet_reminder_mail (
    id                  INTEGER PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenant(id),
    campaign_id         BIGINT NOT NULL REFERENCES keepnet_campaign(id),
    enrollment_id       BIGINT NOT NULL REFERENCES enrollment(id),
    outbox_id           BIGINT REFERENCES outbox(id),
    email               TEXT NOT NULL,
    first_send_date     TIMESTAMP,
    last_send_date      TIMESTAMP,
    last_sending_status TEXT NOT NULL DEFAULT 'In Queue',
    error_message       TEXT,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_reminder_mail_campaign ON keepnet_reminder_mail (campaign_id, id);
CREATE INDEX keepnet_reminder_mail_status ON keepnet_reminder_mail (campaign_id, last_sending_status);
CREATE INDEX keepnet_reminder_mail_outbox ON keepnet_reminder_mail (outbox_id);

-- Notifications other than the mail (Microsoft Teams posts, SMS) and their attempts.
CREATE TABLE keepnet_notification (
    id                  INTEGER PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenant(id),
    campaign_id         BIGINT NOT NULL REFERENCES keepnet_campaign(id),
    enrollment_id       BIGINT NOT NULL REFERENCES enrollment(id),
    type                TEXT NOT NULL CHECK (type IN ('Teams', 'Email', 'SMS')),
    status              TEXT NOT NULL CHECK (status IN ('Pending', 'Sent', 'Failed')),
    activity_content    TEXT,
    first_send_date     TIMESTAMP,
    last_send_date      TIMESTAMP,
    last_sending_status TEXT,
    error_message       TEXT,
    retry_count         INTEGER NOT NULL DEFAULT 0,
    max_retry_count     INTEGER NOT NULL DEFAULT 3,
    next_attempt_at     TIMESTAMP,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_notification_campaign ON keepnet_notification (campaign_id, id);
CREATE INDEX keepnet_notification_status ON keepnet_notification (campaign_id, status);
CREATE INDEX keepnet_notification_type ON keepnet_notification (campaign_id, type);
CREATE INDEX keepnet_notification_due ON keepnet_notification (next_attempt_at) WHERE status = 'Pending';

-- The certificate mail of a completed assignment whose campaign awards certificates (the
-- certificate itself is the store's `certificate` row of the enrollment).
CREATE TABLE keepnet_certificate_mail (
    enrollment_id  BIGINT PRIMARY KEY REFERENCES enrollment(id),
    tenant_id      BIGINT NOT NULL REFERENCES tenant(id),
    campaign_id    BIGINT NOT NULL REFERENCES keepnet_campaign(id),
    outbox_id      BIGINT REFERENCES outbox(id),
    email          TEXT NOT NULL,
    first_send_time TIMESTAMP,
    last_send_time  TIMESTAMP,
    status          TEXT NOT NULL DEFAULT 'In Queue',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX keepnet_certificate_mail_campaign ON keepnet_certificate_mail (campaign_id, enrollment_id);
CREATE INDEX keepnet_certificate_mail_outbox ON keepnet_certificate_mail (outbox_id);
