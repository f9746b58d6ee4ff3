"""Exports and imports: vCards and CSV that keep the context a CRM would otherwise lose."""
