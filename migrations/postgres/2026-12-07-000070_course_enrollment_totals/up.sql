-- The totals by status of each course's active enrollments (PostgreSQL). Mirrors migrations/sqlite; keep both in step.

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
-- Once a statement, from its rows before and after: a bulk enrollment adds to each course's row
-- once. The rows are changed in key order (so two transactions lock them in the same order) and
-- only where a total moves (an update of progress within a status locks nothing).
CREATE FUNCTION course_totals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
        SELECT course_id, tenant_id, COUNT(*), SUM(CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END)
        FROM new_rows WHERE lifecycle = 'active' GROUP BY course_id, tenant_id ORDER BY course_id, tenant_id
        ON CONFLICT (course_id, tenant_id) DO UPDATE SET enrolled = course_enrollment_totals.enrolled + excluded.enrolled,
        not_started = course_enrollment_totals.not_started + excluded.not_started, completed = course_enrollment_totals.completed + excluded.completed;
    ELSIF TG_OP = 'UPDATE' THEN
        WITH moved (course_id, tenant_id, enrolled, not_started, completed) AS (
            SELECT course_id, tenant_id, -1, -CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END, -CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END FROM old_rows WHERE lifecycle = 'active'
            UNION ALL
            SELECT course_id, tenant_id, 1, CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END, CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END FROM new_rows WHERE lifecycle = 'active'
        )
        INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
        SELECT course_id, tenant_id, SUM(enrolled), SUM(not_started), SUM(completed)
        FROM moved GROUP BY course_id, tenant_id
        HAVING SUM(enrolled) <> 0 OR SUM(not_started) <> 0 OR SUM(completed) <> 0 ORDER BY course_id, tenant_id
        ON CONFLICT (course_id, tenant_id) DO UPDATE SET enrolled = course_enrollment_totals.enrolled + excluded.enrolled,
        not_started = course_enrollment_totals.not_started + excluded.not_started, completed = course_enrollment_totals.completed + excluded.completed;
    ELSE
        INSERT INTO course_enrollment_totals (course_id, tenant_id, enrolled, not_started, completed)
        SELECT course_id, tenant_id, -COUNT(*), -SUM(CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END), -SUM(CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END)
        FROM old_rows WHERE lifecycle = 'active' GROUP BY course_id, tenant_id ORDER BY course_id, tenant_id
        ON CONFLICT (course_id, tenant_id) DO UPDATE SET enrolled = course_enrollment_totals.enrolled + excluded.enrolled,
        not_started = course_enrollment_totals.not_started + excluded.not_started, completed = course_enrollment_totals.completed + excluded.completed;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER course_totals_inserted AFTER INSERT ON enrollment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION course_totals_changed();
CREATE TRIGGER course_totals_updated AFTER UPDATE ON enrollment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION course_totals_changed();
CREATE TRIGGER course_totals_deleted AFTER DELETE ON enrollment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION course_totals_changed();
-- backend-specific: end
