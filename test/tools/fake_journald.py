# A stand-in for systemd-journald's stdout stream socket, for
# test/integration/journal-stream.sh: accepts on the socket-activated fd 3
# (or binds ARGV[2]) and, when a stream ends, writes what came through it
# to OUTDIR/stream.N, after a first line "peer-uid UID" (SO_PEERCRED).
#   fake_journald.py OUTDIR [SOCKET]
import os, socket, struct, sys, selectors
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
lfd = 3 if os.environ.get("LISTEN_FDS") == "1" else None
ls = socket.socket(fileno=lfd) if lfd is not None else None
if ls is None:
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(sys.argv[2]); ls.listen(16)
sel = selectors.DefaultSelector()
sel.register(ls, selectors.EVENT_READ)
bufs = {}
n = 0
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is ls:
            c, _ = ls.accept()
            pid, uid, gid = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
            n += 1
            bufs[c] = [n, uid, b""]
            sel.register(c, selectors.EVENT_READ)
            continue
        d = s.recv(65536)
        if d:
            bufs[s][2] += d
            continue
        num, uid, data = bufs.pop(s)
        sel.unregister(s); s.close()
        with open(f"{out}/stream.{num}.tmp", "wb") as f:
            f.write(f"peer-uid {uid}\n".encode() + data)
        os.rename(f"{out}/stream.{num}.tmp", f"{out}/stream.{num}")
