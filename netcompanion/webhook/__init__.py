"""Webhooks: signed deliveries of what changed, from an outbox written with the change."""
