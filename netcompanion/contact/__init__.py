"""Contacts: one person across events, their touches, merges and possible duplicates."""
