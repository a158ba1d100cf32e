#!/usr/bin/env python3
"""Hostile control-socket clients for the fault tests (test/faults/).

    ctl_clients.py SOCKET MODE COUNT SECONDS

MODE:
  hold       COUNT connections that connect and never write;
  slowloris  COUNT connections that send a valid request one byte at a time,
             a byte every 0.5 s per connection, never finishing in time;
  churn      like hold, but a connection that weft closed is opened again at
             once, so the table stays as full as the attacker can make it.

Prints "ready N" (N connections open) on stdout once the first round is
connected, then keeps them for SECONDS and exits. Bounded: it never runs
longer than SECONDS plus the connect time, and exits on any signal.
"""
import os
import socket
import sys
import time

REQUEST = b'{"version":1,"verb":"list-units"}\n'


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
    except OSError:
        s.close()
        return None
    s.setblocking(False)
    return s


def closed_by_peer(s):
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    path, mode, count, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    conns = [connect(path) for _ in range(count)]
    print("ready %d" % sum(c is not None for c in conns), flush=True)
    sent = [0] * count
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for i, c in enumerate(conns):
            if c is None or closed_by_peer(c):
                if c is not None:
                    c.close()
                conns[i] = connect(path) if mode in ("churn", "slowloris") else None
                sent[i] = 0
                continue
            if mode == "slowloris" and sent[i] < len(REQUEST) - 1:
                try:
                    c.send(REQUEST[sent[i]:sent[i] + 1])
                    sent[i] += 1
                except OSError:
                    pass
        time.sleep(0.5 if mode == "slowloris" else 0.1)
    for c in conns:
        if c is not None:
            c.close()


if __name__ == "__main__":
    main()
