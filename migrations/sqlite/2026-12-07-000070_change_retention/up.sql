-- The change feed's retention: a purge deletes old published changes with their deliveries, and
-- keeps those a subscription has still to deliver, found through this index.
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id, state);
