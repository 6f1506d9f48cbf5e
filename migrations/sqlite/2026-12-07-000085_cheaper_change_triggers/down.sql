-- The triggers as 2026-12-07-000060_changes made them.
-- backend-specific: begin
DROP TRIGGER change_user_inserted;
DROP TRIGGER change_user_updated;
DROP TRIGGER change_user_deleted;
DROP TRIGGER change_department_inserted;
DROP TRIGGER change_department_updated;
DROP TRIGGER change_department_deleted;
DROP TRIGGER change_group_inserted;
DROP TRIGGER change_group_updated;
DROP TRIGGER change_group_deleted;
DROP TRIGGER change_group_member_inserted;
DROP TRIGGER change_group_member_deleted;
DROP TRIGGER change_enrollment_inserted;
DROP TRIGGER change_enrollment_updated;
DROP TRIGGER change_enrollment_deleted;
DROP TRIGGER change_module_progress_inserted;
DROP TRIGGER change_module_progress_updated;
DROP TRIGGER change_certificate_inserted;
DROP TRIGGER change_certificate_updated;
DROP TRIGGER change_certificate_deleted;

CREATE TRIGGER change_user_inserted AFTER INSERT ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 1, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_user_updated AFTER UPDATE ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 3 ELSE 2 END, NEW.id,
            NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_user_deleted AFTER DELETE ON app_user BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 3, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_inserted AFTER INSERT ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 11, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_updated AFTER UPDATE ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 12, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_department_deleted AFTER DELETE ON department BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 13, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_inserted AFTER INSERT ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 21, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_updated AFTER UPDATE ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 22, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_deleted AFTER DELETE ON user_group BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 23, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_group_member_inserted AFTER INSERT ON user_group_member BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    SELECT tenant_id, 24, NEW.group_id, NEW.user_id, external_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM user_group WHERE id = NEW.group_id;
END;
CREATE TRIGGER change_group_member_deleted AFTER DELETE ON user_group_member BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    SELECT g.tenant_id, 25, OLD.group_id, OLD.user_id, g.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now')
    FROM user_group g WHERE g.id = OLD.group_id;
END;
CREATE TRIGGER change_enrollment_inserted AFTER INSERT ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 31, NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_enrollment_updated AFTER UPDATE ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (NEW.tenant_id,
            CASE WHEN OLD.lifecycle = 'active' AND NEW.lifecycle <> 'active' THEN 34
                 WHEN NEW.completion_status IN ('complete', 'passed', 'accepted')
                      AND OLD.completion_status NOT IN ('complete', 'passed', 'accepted') THEN 33
                 WHEN NEW.progress <> OLD.progress OR NEW.completion_status <> OLD.completion_status
                      OR NEW.time_spent_seconds <> OLD.time_spent_seconds THEN 41
                 ELSE 32 END,
            NEW.id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_enrollment_deleted AFTER DELETE ON enrollment BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 34, OLD.id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_module_progress_inserted AFTER INSERT ON module_progress BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, occurred_at)
    SELECT tenant_id, 42, NEW.id, NEW.enrollment_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM enrollment WHERE id = NEW.enrollment_id;
END;
CREATE TRIGGER change_module_progress_updated AFTER UPDATE ON module_progress BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, occurred_at)
    SELECT tenant_id, 42, NEW.id, NEW.enrollment_id, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM enrollment WHERE id = NEW.enrollment_id;
END;
CREATE TRIGGER change_certificate_inserted AFTER INSERT ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 51, NEW.id, NEW.enrollment_id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_certificate_updated AFTER UPDATE ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (NEW.tenant_id, 52, NEW.id, NEW.enrollment_id, NEW.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER change_certificate_deleted AFTER DELETE ON certificate BEGIN
    INSERT INTO change_event (tenant_id, kind, subject_id, related_id, reference, occurred_at)
    VALUES (OLD.tenant_id, 53, OLD.id, OLD.enrollment_id, OLD.external_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
-- backend-specific: end
