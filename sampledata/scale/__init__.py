"""Data at scale for benchmarks and load tests, one module per app, built on top of
the demo data a province at a time (see `sampledata.scale.units`)."""
