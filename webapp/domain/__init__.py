"""Dockhand's domain rules: plain Python, no Flask and no SQL.

The web and database layers call these; nothing here imports them.
"""
