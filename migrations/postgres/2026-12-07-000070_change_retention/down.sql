DROP INDEX webhook_delivery_event;
