-- (SQLite). Mirrors migrations/postgres; keep both in step.
DROP INDEX enrollment_learner;
CREATE INDEX enrollment_learner ON enrollment (learner_id, lifecycle, id);
