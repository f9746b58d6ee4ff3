"""Attendees: people registered for an event, by the organizer or by themselves."""
