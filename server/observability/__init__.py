"""What an operator sees: metrics, structured logs, readiness, and the HTTP middleware that feeds them."""
