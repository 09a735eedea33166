"""The web layer: routes, templates, views, forms, words and the rendering of live rooms.

It parses what arrives, calls one use case and renders what comes back. It never opens a
database session or reads a table itself.
"""
