"""Badges: signed QR tokens, badge and poster PDFs, the public card behind a badge."""
