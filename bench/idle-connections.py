#!/usr/bin/env python3
"""The make run fairness measurement (README, "Local server"): while N keep-alive connections each
send a request every INTERVAL seconds (the audit's 270 and 3.5 s; a closed one reconnects), how long
does a signed request of another client take? Prints each latency, then the median and the maximum.

    PORT=4110 make run &     # then, from the repository root:
    python3 bench/idle-connections.py 127.0.0.1:4110 [N=270] [INTERVAL=3.5] [SAMPLES=20]

Needs botocore (the AWS CLI's library) for the signed request, signed with the demo partner key.
"""
import socket
import statistics
import sys
import threading
import time

import botocore.session

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:4010"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 270
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 3.5
samples = int(sys.argv[4]) if len(sys.argv) > 4 else 20
address, port = host.rsplit(":", 1)
request = ("GET /not-the-api HTTP/1.1\r\nHost: %s\r\n\r\n" % host).encode()
stop = threading.Event()
reconnects = [0]


def answer(conn):
    """Reads one answer (head, then Content-length bytes); False if the server closed the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")][0])
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        body += chunk
    return True


def hold():
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = socket.create_connection((address, int(port)), timeout=30)
            conn.sendall(request)
            if not answer(conn):
                raise ConnectionError("closed")
        except OSError:
            if conn is not None:
                conn.close()
                reconnects[0] += 1
            conn = None
            continue
        stop.wait(interval)


threads = [threading.Thread(target=hold, daemon=True) for _ in range(count)]
for thread in threads:
    thread.start()
time.sleep(max(8.0, 2 * interval))
print("%d connections held, each sending a request every %.1f s" % (count, interval))

session = botocore.session.get_session()
latencies = []
for i in range(samples):
    client = session.create_client("events", region_name="us-east-1", endpoint_url="http://" + host,
                                   aws_access_key_id="AKIAEXAMPLEPARTNER", aws_secret_access_key="example-partner-secret")
    started = time.monotonic()
    client.list_partner_event_sources(NamePrefix="aws.partner/example.com/")
    latencies.append(time.monotonic() - started)
    print("signed ListPartnerEventSources %2d: %.3f s" % (i + 1, latencies[-1]))
    client.close()
    time.sleep(0.5)
stop.set()
print("median %.3f s, max %.3f s over %d signed requests; held connections reconnected %d times"
      % (statistics.median(latencies), max(latencies), samples, reconnects[0]))
