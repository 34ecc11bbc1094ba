"""Citybridge server: HTTP API, services and database."""
