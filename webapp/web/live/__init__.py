"""Live screens: the WebSocket at /api/v1/live (endpoint.py) and each process's fan-out of events to it (hub.py)."""
