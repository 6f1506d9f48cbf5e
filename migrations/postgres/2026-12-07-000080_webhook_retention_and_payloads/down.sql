ALTER TABLE webhook_delivery DROP COLUMN payload;
DROP INDEX webhook_delivery_event;
