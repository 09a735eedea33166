"""Live updates: events recorded in the outbox, fanned out to websocket connections."""
