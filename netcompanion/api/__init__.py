"""The integrations API: company tokens, Bearer authentication, endpoints and their OpenAPI."""
