-- The triggers as 2026-12-07-000060_changes made them.
-- backend-specific: begin
SELECT 1;
-- backend-specific: end
