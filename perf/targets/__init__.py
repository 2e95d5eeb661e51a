"""Find what to measure in whatever data the database holds (run inside Django).

Nothing is hard-coded: each target is looked up at run time (the Gold Book with
most entries, the council session with the longest agenda, the dossier with most
nominees…), seen through the access rules of the person who would open it. A
target the data cannot supply comes back with no URL and a note saying why, so
the benchmark reports it instead of failing.

- ``pages``: the benchmark's targets, one per page or print, and ``discover()``;
- ``journeys``: the load test's plan, what each simulated user does;
- ``signin``: signed-in sessions for the measured users, and their removal;
- ``_common``: the look-ups both ``pages`` and ``journeys`` use.
"""
