#!/usr/bin/python3
"""test_rds_format: an independent reader of the .rds format and state hash, written
from the README's description, checks files that build/native/rdsim writes: header
fields, exact size, the stored hash and the printed state_hash. Ends with
"N passed, N failed"."""
import os
import struct
import subprocess
import tempfile

from checks import RDSIM, check, finish  # tests/checks.py


def fnv(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def state_hash(d):
    nx, ny, nz = struct.unpack_from('<3I', d, 16)
    plane, n = 4 * nx * ny, nx * ny * nz
    u, v = 128, 128 + 4 * n
    slabs = [fnv(d[u + z * plane:u + (z + 1) * plane]) for z in range(nz)] + \
            [fnv(d[v + z * plane:v + (z + 1) * plane]) for z in range(nz)]
    h = fnv(struct.pack('<3I', nx, ny, nz) + b''.join(struct.pack('<Q', s) for s in slabs))
    return h or 1


cases = [
    (['--dims', '12,10,9', '--steps', '5', '--seed', '3'], (12, 10, 9), 7, 0),
    (['--dims', '9,16,8', '--steps', '4', '--stencil', '27', '--boundary', 'zeroflux', '--preset', 'worms'],
     (9, 16, 8), 27, 1),
]
with tempfile.TemporaryDirectory() as tmp:
    for i, (args, dims, stencil, boundary) in enumerate(cases):
        path = os.path.join(tmp, 'c%d.rds' % i)
        out = subprocess.run([RDSIM] + args + ['--save', path, '--hash'], capture_output=True, text=True)
        check(out.returncode == 0, 'rdsim %s ran' % ' '.join(args))
        if out.returncode != 0:
            print(out.stderr)
            continue
        d = open(path, 'rb').read()
        n = dims[0] * dims[1] * dims[2]
        check(len(d) == 128 + 8 * n + 8, 'size is 128 + 8N + 8')
        check(d[:8] == b'RDSTATE1' and struct.unpack_from('<2I', d, 8) == (1, 128), 'magic, version, header size')
        check(struct.unpack_from('<3I', d, 16) == dims, 'dims')
        check(struct.unpack_from('<2I', d, 28) == (stencil, boundary), 'stencil and boundary')
        steps = int(args[args.index('--steps') + 1])
        check(struct.unpack_from('<Q', d, 64)[0] == steps, 'step count')
        check(d[72:128] == bytes(56), 'reserved bytes are zero')
        F, k, Du, Dv, dt = struct.unpack_from('<5f', d, 36)
        check(0 < F < 1 and 0 < k < 1 and Du > 0 and Dv > 0 and dt > 0, 'parameters')
        stored = struct.unpack_from('<Q', d, len(d) - 8)[0]
        h = state_hash(d)
        check(h == stored, 'stored hash = README algorithm (%016x)' % h)
        check(out.stdout.strip().splitlines()[-1] == 'state_hash %016x' % h, 'printed state_hash = README algorithm')

finish()
