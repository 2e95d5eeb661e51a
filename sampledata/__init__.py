"""Made-up data for trying the site and for benchmarks: `manage.py seed_demo`.

`sampledata.demo` builds the demo data through the apps' services; `sampledata.scale`
adds data at scale with bulk inserts. No product app imports this package.
"""
