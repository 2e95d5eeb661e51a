"""The demo data, one module per app, built in the order of the apps: units,
initiatives, goldbook, awards. Each `build_demo()` is idempotent: it creates what is
missing and leaves the rest."""
