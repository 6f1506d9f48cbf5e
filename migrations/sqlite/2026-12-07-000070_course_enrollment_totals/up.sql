-- The totals by status of each course's active enrollments (SQLite). Mirrors migrations/postgres; keep both in step.

-- A course's learners answer with their totals by status (Academy Of Mine's enrolled learners
-- and reports): counted here as enrollments change, by triggers in the transaction of the change,
-- so the first page of a course costs the same however many learners it has. The statuses follow
-- CourseStatus::of: not started (no progress, no start), completed, else in progress.
CREATE TABLE course_enrollment_totals (
    course_id   BIGINT NOT NULL,
    tenant_id   BIGINT NOT NULL,
    enrolled    BIGINT NOT NULL,
    not_started BIGINT NOT NULL,
    completed   BIGINT NOT NULL,
    PRIMARY KEY (course_id, tenant_id)
);
INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
SELECT course_id, tenant_id, COUNT(*),
       SUM(CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END)
FROM enrollment WHERE lifecycle = 'active' GROUP BY course_id, tenant_id;
-- backend-specific: begin
-- Row by row: SQLite has one writer at a time.
CREATE TRIGGER course_totals_inserted AFTER INSERT ON enrollment WHEN NEW.lifecycle = 'active' BEGIN
    INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
    VALUES (NEW.course_id, NEW.tenant_id, 1, CASE WHEN NEW.completion_status = 'not_started' AND NEW.progress = 0 AND NEW.started_at IS NULL THEN 1 ELSE 0 END, CASE WHEN NEW.completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END)
    ON CONFLICT (course_id, tenant_id) DO UPDATE SET enrolled = course_enrollment_totals.enrolled + excluded.enrolled,
        not_started = course_enrollment_totals.not_started + excluded.not_started, completed = course_enrollment_totals.completed + excluded.completed;
END;
CREATE TRIGGER course_totals_updated AFTER UPDATE OF course_id, tenant_id, lifecycle, completion_status, progress, started_at ON enrollment BEGIN
    UPDATE course_enrollment_totals
    SET enrolled = enrolled - 1, not_started = not_started - CASE WHEN OLD.completion_status = 'not_started' AND OLD.progress = 0 AND OLD.started_at IS NULL THEN 1 ELSE 0 END, completed = completed - CASE WHEN OLD.completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END
    WHERE OLD.lifecycle = 'active' AND course_id = OLD.course_id AND tenant_id = OLD.tenant_id;
    INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
    SELECT NEW.course_id, NEW.tenant_id, 1, CASE WHEN NEW.completion_status = 'not_started' AND NEW.progress = 0 AND NEW.started_at IS NULL THEN 1 ELSE 0 END, CASE WHEN NEW.completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END WHERE NEW.lifecycle = 'active'
    ON CONFLICT (course_id, tenant_id) DO UPDATE SET enrolled = course_enrollment_totals.enrolled + excluded.enrolled,
        not_started = course_enrollment_totals.not_started + excluded.not_started, completed = course_enrollment_totals.completed + excluded.completed;
END;
CREATE TRIGGER course_totals_deleted AFTER DELETE ON enrollment WHEN OLD.lifecycle = 'active' BEGIN
    UPDATE course_enrollment_totals
    SET enrolled = enrolled - 1, not_started = not_started - CASE WHEN OLD.completion_status = 'not_started' AND OLD.progress = 0 AND OLD.started_at IS NULL THEN 1 ELSE 0 END, completed = completed - CASE WHEN OLD.completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END
    WHERE course_id = OLD.course_id AND tenant_id = OLD.tenant_id;
END;
-- backend-specific: end
