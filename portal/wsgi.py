"""The portal as a WSGI application (``gunicorn portal.wsgi:application``).

Once the project is loaded, its objects (settings, models, URL patterns, translations, about
170,000 of them) live as long as the process. They are moved out of the garbage collector's
reach (``gc.freeze``), and the collector runs after 10,000 new objects instead of Python's 700:
a page allocates tens of thousands of short-lived objects, and with the defaults the collector
took 4-7 % of a page's CPU (about 2 % with these settings; measured in one process with
``gc.callbacks`` around the benchmark's pages). ``tests/portal/test_settings.py`` checks them.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# The URL patterns and the views they import, now rather than on the first request.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 10, 10)
