"""How requests reach the domain under `antre serve`: the port, the lanes in front of Django, and
the guards of a server process.

The domain (offices, people, queueing, gate, applications, live, whatsapp, reports) never imports
this package; it imports the domain.
"""
