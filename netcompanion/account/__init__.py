"""Accounts: companies (organizations), their members, roles and invitations."""
