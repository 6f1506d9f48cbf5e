-- The change feed's retention: a purge deletes old published changes with their deliveries, and
-- keeps those a subscription has still to deliver, found through this index.
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id, state);
-- What a delivery sends when its subscription's face has a payload of its own (Academy Of Mine's
-- endpoints), made at publication as the event's data is; null: the event's data.
ALTER TABLE webhook_delivery ADD COLUMN payload TEXT;
