"""Outreach: message templates, personalised per contact, sent by email or the mail app."""
