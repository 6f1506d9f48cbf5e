-- One learner's active enrollments, the most frequent call of all, read from this index alone
-- (PostgreSQL). Mirrors migrations/sqlite; keep both in step. Its columns after the key are those an
-- enrollment view takes from the enrollment row, so no table row is visited.
DROP INDEX enrollment_learner;
CREATE INDEX enrollment_learner ON enrollment
    (learner_id, lifecycle, id, course_id, external_id, access_date, due_date, lock_after_due_date, enrollment_type_group);
