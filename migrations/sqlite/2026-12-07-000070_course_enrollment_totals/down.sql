-- backend-specific: begin
DROP TRIGGER course_totals_inserted;
DROP TRIGGER course_totals_updated;
DROP TRIGGER course_totals_deleted;
-- backend-specific: end
DROP TABLE course_enrollment_totals;
