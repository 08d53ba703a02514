"""Stage 0, support: what every stage may use and that knows nothing of the site.

`cachefile` is the one cache store: every file the build keeps between runs is written and
read through it, sealed with a hash checked on every read. `parallel` splits work over
forked processes.
"""
