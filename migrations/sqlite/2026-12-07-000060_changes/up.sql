-- The change feed and webhooks (SQLite). Mirrors migrations/postgres; keep both in step.

-- The change feed: one compact row per change to a user, department, group (or its members),
-- enrollment, progress or certificate, written by triggers in the transaction of the change. The
-- row holds codes and keys only: `kind` is the event type's number (see src/domain/changes.rs),
-- `subject_id` the changed row's key, `related_id` a second key (the member of a group, the
-- enrollment of a certificate or a module's progress), `reference` the external id of a row that
-- is gone. A publisher gives each committed row its `position` (dense, in commit order) and its
-- `data` (read then), in one transaction that also queues the row's webhook deliveries.
CREATE TABLE change_event (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    kind        SMALLINT NOT NULL,
    subject_id  BIGINT NOT NULL,
    related_id  BIGINT,
    reference   TEXT,
    occurred_at TIMESTAMP NOT NULL,
    position    BIGINT,
    data        TEXT
);
-- Rows waiting for the publisher; published rows leave this index.
CREATE INDEX change_event_unpublished ON change_event (id) WHERE position IS NULL;
-- The feed, per tenant from a cursor; and the last position given. Unpublished rows are in neither.
CREATE INDEX change_event_feed ON change_event (tenant_id, position) WHERE position IS NOT NULL;
CREATE UNIQUE INDEX change_event_position ON change_event (position) WHERE position IS NOT NULL;

-- Webhook subscriptions: where a tenant's events are POSTed, signed with the secret (Standard
-- Webhooks). `events` is a comma-separated list of event names in the face's naming (`face`):
-- the JSON mirror's dotted names, or Academy Of Mine's; `*` is every event.
CREATE TABLE webhook_subscription (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenant(id),
    external_id TEXT NOT NULL UNIQUE,
    face        TEXT NOT NULL CHECK (face IN ('json', 'aom')),
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscription_tenant ON webhook_subscription (tenant_id, face, id);

-- One event for one subscription: pending until delivered, or dead after the last attempt.
CREATE TABLE webhook_delivery (
    id              INTEGER PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL REFERENCES change_event(id),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
-- The head of each subscription's queue (deliveries go out in order, one at a time).
CREATE INDEX webhook_delivery_pending ON webhook_delivery (subscription_id, id) WHERE state = 'pending';
-- A subscription's deliveries, newest first.
CREATE INDEX webhook_delivery_subscription ON webhook_delivery (subscription_id, id);

-- backend-specific: begin
-- One row-level trigger per table and change: each inserts one compact row.
CREATE TRIGGER change_user_inserted AFTER INSERT ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 1, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_user_updated AFTER UPDATE ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 3 ELSE 2 END, NEW.id,
            NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_user_deleted AFTER DELETE ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 3, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_inserted AFTER INSERT ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 11, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_updated AFTER UPDATE ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 12, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_deleted AFTER DELETE ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 13, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_inserted AFTER INSERT ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 21, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_updated AFTER UPDATE ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 22, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_deleted AFTER DELETE ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 23, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_member_inserted AFTER INSERT ON user_group_member BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    SELECT tenant_id, 24, NEW.group_id, NEW.user_id, external_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM user_group WHERE id = NEW.group_id;
END;
CREATE TRIGGER change_group_member_deleted AFTER DELETE ON user_group_member BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    SELECT g.tenant_id, 25, OLD.group_id, OLD.user_id, g.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now')
    FROM user_group g WHERE g.id = OLD.group_id;
END;
CREATE TRIGGER change_enrollment_inserted AFTER INSERT ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 31, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_enrollment_updated AFTER UPDATE ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id,
            CASE WHEN OLD.lifecycle = 'active' AND NEW.lifecycle <> 'active' THEN 34
                 WHEN NEW.completion_status IN ('complete', 'passed', 'accepted')
                      AND OLD.completion_status NOT IN ('complete', 'passed', 'accepted') THEN 33
                 WHEN NEW.progress <> OLD.progress OR NEW.completion_status <> OLD.completion_status
                      OR NEW.time_spent_seconds <> OLD.time_spent_seconds THEN 41
                 ELSE 32 END,
            NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_enrollment_deleted AFTER DELETE ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 34, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_module_progress_inserted AFTER INSERT ON module_progress BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, occurred_at)
    SELECT tenant_id, 42, NEW.id, NEW.enrollment_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM enrollment WHERE id = NEW.enrollment_id;
END;
CREATE TRIGGER change_module_progress_updated AFTER UPDATE ON module_progress BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, occurred_at)
    SELECT tenant_id, 42, NEW.id, NEW.enrollment_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM enrollment WHERE id = NEW.enrollment_id;
END;
CREATE TRIGGER change_certificate_inserted AFTER INSERT ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 51, NEW.id, NEW.enrollment_id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_certificate_updated AFTER UPDATE ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 52, NEW.id, NEW.enrollment_id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_certificate_deleted AFTER DELETE ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 53, OLD.id, OLD.enrollment_id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
-- backend-specific: end
