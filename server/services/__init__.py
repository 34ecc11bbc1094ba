"""Domain rules. Each public function is one transaction's worth of work: it writes
rows and their change-log events with the caller's session, and the caller commits."""
