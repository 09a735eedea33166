"""Infrastructure: settings, the database and its tables, the live hub, tokens and passwords.

Use cases build on these; the web layer reaches the database only through use cases.
"""
