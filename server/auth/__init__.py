"""Credentials: password hashing and opaque tokens."""
