DROP INDEX enrollment_course;
CREATE INDEX enrollment_course ON enrollment (course_id, lifecycle, id);
