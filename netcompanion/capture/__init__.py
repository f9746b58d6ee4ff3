"""Captures: who a company met at an event, what was said, and the contact it belongs to."""
