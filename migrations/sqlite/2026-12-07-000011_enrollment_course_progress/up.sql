-- A course's learners are counted by status and paged in enrollment order over this index alone:
-- after the equalities (course, lifecycle, tenant) it is in id order and holds the columns of
-- the status, so neither the totals nor a deep page read the table.
DROP INDEX enrollment_course;
CREATE INDEX enrollment_course ON enrollment (course_id, lifecycle, tenant_id, id, completion_status, progress, started_at);
