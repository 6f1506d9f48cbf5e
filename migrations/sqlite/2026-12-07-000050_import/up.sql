-- Bulk imports (SQLite). Mirrors migrations/postgres; keep both in step.
-- One row a run: its progress is committed with each batch, so a run can be read while it runs
-- and resumed after an interruption from the last line committed.
CREATE TABLE import_job (
    id             INTEGER PRIMARY KEY,
    tenant_id      BIGINT NOT NULL REFERENCES tenant(id),
    kind           TEXT NOT NULL CHECK (kind IN ('users', 'departments', 'groups', 'enrollments')),
    format         TEXT NOT NULL CHECK (format IN ('csv', 'jsonl')),
    source         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    lines_done     BIGINT NOT NULL DEFAULT 0,
    created        BIGINT NOT NULL DEFAULT 0,
    updated        BIGINT NOT NULL DEFAULT 0,
    unchanged      BIGINT NOT NULL DEFAULT 0,
    refused        BIGINT NOT NULL DEFAULT 0,
    failure        TEXT,
    started_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP
);
CREATE INDEX import_job_source ON import_job (tenant_id, kind, source, id);

-- Every refused row of a run: where it is in the file and why.
CREATE TABLE import_refusal (
    id          INTEGER PRIMARY KEY,
    job_id      BIGINT NOT NULL REFERENCES import_job(id),
    line        BIGINT NOT NULL,
    column_no   INTEGER,
    field       TEXT,
    code        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX import_refusal_job ON import_refusal (job_id, id);
