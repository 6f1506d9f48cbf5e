-- backend-specific: begin
DROP TRIGGER course_totals_inserted ON enrollment;
DROP TRIGGER course_totals_updated ON enrollment;
DROP TRIGGER course_totals_deleted ON enrollment;
DROP FUNCTION course_totals_changed();
-- backend-specific: end
DROP TABLE course_enrollment_totals;
