import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
application = get_wsgi_application()

# Import every view now, then take what is loaded (~140k objects that live as long as the
# process) out of the garbage collector's sight: walking them in each full collection stalled a
# request ~50 ms every thousand or so, which set the p99 latency (see bench/README.md).
from hireloop import urls  # noqa: E402, F401

gc.freeze()
