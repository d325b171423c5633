"""Runs one command; writes its wall time, CPU time and peak RSS to RESULT; exits as it did.

Usage: python -S bench/launch.py RESULT -- COMMAND [ARG...]

Linux keeps a process's highest RSS across exec, so a command started straight from the
benchmark process would report that big process's peak as its own. Started from this small
one, it can only inherit a few MiB, less than anything measured. The time is taken here,
around the spawn and the wait, so this script's own start-up is not in it.
"""

import os
import sys
import time

result, separator, *argv = sys.argv[1:]
assert separator == "--", __doc__
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as handle:
    handle.write(f"{seconds} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}\n")
sys.exit(os.waitstatus_to_exitcode(status))
