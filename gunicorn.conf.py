"""Gunicorn settings read from the working directory; command-line options still win.

After a worker has loaded the app, its objects are moved out of the garbage collector's view
(``gc.freeze``): the app's long-lived objects are never garbage, and without this every full
collection walks all of them, adding tens of milliseconds to a request that builds many objects
(a 500-capture sync).
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
