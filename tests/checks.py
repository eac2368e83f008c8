"""checks: what the Python script tests share (the counterpart of tests/lib.sh): the
repository's paths, check() printing "ok   ..." or "FAIL ...", and finish() printing the
closing "N passed, N failed" line that tools/run_tests.sh counts, then exiting 0 only when
something passed and nothing failed."""
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
RDSIM = os.environ.get('RDSIM', os.path.join(ROOT, 'build', 'native', 'rdsim'))
counts = {'passed': 0, 'failed': 0}


def check(ok, what):
    key = 'passed' if ok else 'failed'
    counts[key] += 1
    print(('ok   ' if ok else 'FAIL ') + what, flush=True)
    return bool(ok)


def finish():
    print('%d passed, %d failed' % (counts['passed'], counts['failed']))
    sys.exit(0 if counts['failed'] == 0 and counts['passed'] > 0 else 1)
