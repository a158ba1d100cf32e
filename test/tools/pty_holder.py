# A pseudo-terminal for test/integration/tty-path.sh, held from outside
# weft's fence: writes the slave's path to OUTDIR/name, sets it to
# -echo -icanon (so that TTYReset= has something to undo), keeps a slave fd
# of its own open and drains the master into OUTDIR/master. Once
# OUTDIR/check exists it writes to its slave fd and records in
# OUTDIR/holder "alive", or "hungup" when TTYVHangup= hung it up (EIO).
# The terminal lives as long as this process: killed by the test, or after 60 s.
#   pty_holder.py OUTDIR
import errno, os, pty, select, sys, termios, time
out = sys.argv[1]
m, s = pty.openpty()
a = termios.tcgetattr(s)
a[3] &= ~(termios.ECHO | termios.ICANON)
termios.tcsetattr(s, termios.TCSANOW, a)
with open(out + "/name.tmp", "w") as f:
    f.write(os.ttyname(s) + "\n")
os.rename(out + "/name.tmp", out + "/name")
end = time.time() + 60
checked = False
with open(out + "/master", "ab", buffering=0) as log:
    while time.time() < end:
        r, _, _ = select.select([m], [], [], 0.05)
        if r:
            try:
                log.write(os.read(m, 4096))
            except OSError:
                pass
        if not checked and os.path.exists(out + "/check"):
            checked = True
            try:
                os.write(s, b"x")
                res = "alive"
            except OSError as e:
                res = "hungup" if e.errno == errno.EIO else "error %d" % e.errno
            with open(out + "/holder", "w") as f:
                f.write(res + "\n")
