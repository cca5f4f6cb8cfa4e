"""Client-side pacing: the token bucket per integration token, on one process, one machine (a shared state
file) or a whole deployment (Redis)."""
