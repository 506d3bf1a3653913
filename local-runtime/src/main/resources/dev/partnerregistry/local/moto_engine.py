# moto_server with every request executed under one lock.
#
# moto's threaded server runs requests concurrently without locking its DynamoDB backend, and its
# TransactWriteItems restores a whole-table snapshot on failure, so two concurrent transactions can
# both pass a condition or one can undo the other's commit. Real DynamoDB serializes transactions;
# one lock gives the same guarantee, while connections are still accepted concurrently.
import os
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

port = int(sys.argv[1])
os.environ.setdefault("MOTO_PORT", str(port))
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialized(environ, start_response):
    with lock:
        # Materialize the response inside the lock: moto computes it lazily in places.
        return list(app(environ, start_response))


run_simple("127.0.0.1", port, serialized, threaded=True, use_reloader=False)
