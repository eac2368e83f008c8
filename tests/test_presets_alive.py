#!/usr/bin/python3
"""test_presets_alive: every preset is alive in 3D and looks different from every other.

For each preset (rdsim --list-presets) and each size (default 48 and the page's default
size, read from rdsim --schema: 96 today), runs build/native/rdsim --preset NAME --size N --steps 5000 from the preset's
own start, saves the state (.rds) and continues it 1 and 20 steps. From the files
(read here, from the README's description of the format) it measures V:

  mean      mean V
  sd        standard deviation of V
  range     max V - min V
  phi       volume fraction with V > 0.25 (the page's default isovalue)
  iface     fraction of face-neighbour pairs (periodic) on opposite sides of 0.25:
            the isosurface's area per cell, up to a constant
  blobs     connected components of V > 0.25 (6-connected, merged across the periodic
            faces) per 32^3 cells
  holes     the same for V <= 0.25 (1 = one connected background)
  euler     Euler characteristic of V > 0.25 (closed voxel cubes, periodic) per 32^3:
            + for separate blobs and cavities, - for tunnels (networks, sponges)
  q50, q99  the median and the 99th percentile of V (the background's level, the peaks')
  move      mean |V(t+20) - V(t)|: how much the pattern still changes
  flip      max |U(t+1) - U(t)|: a cell alternating every step (the explicit scheme's
            period-2 artefact near the stability limit) shows up as ~1

Alive: range > 0.1, sd > 0.01 and 0 < phi < 1 (an isosurface exists), so V is neither
0 everywhere nor uniform. Stable: flip < 0.1. Distinct: the feature vector (each axis spans about [0, 1] over the presets)
  (phi, 2*q50, 2*q99, 5*iface, sign(euler)*log10(1+|euler|)/2, (log10(move+1e-6)+6)/5)
differs between every two presets by at least MIN_DIST (Euclidean) at each size.

Usage: test_presets_alive.py [--sizes 48,96] [--steps 5000] [--threads N] [--only a,b]
       test_presets_alive.py --params "--F 0.03 --k 0.06 ..." (measure one setting, no check)
Ends with "N passed, N failed"; exit status 0 only when all passed. Slow (about 3.5 min on two cores): part of `make test` (tools/run_tests.sh runs tests/test_*.py);
`make presets-check` runs it alone, PRESETS_ARGS passing options.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import ndimage

from checks import RDSIM, check, counts, finish  # tests/checks.py
ISO = 0.25
MIN_DIST = 0.1
FLIP_MAX = 0.1
KEEP = os.environ.get('PRESETS_KEEP')  # a folder: keep each final state there as NAME_SIZE.rds
TAG = 'run'


def read_rds(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'RDSTATE1', path
    nx, ny, nz = struct.unpack_from('<3I', d, 16)
    n = nx * ny * nz
    u = np.frombuffer(d, '<f4', n, 128).reshape(nz, ny, nx)
    v = np.frombuffer(d, '<f4', n, 128 + 4 * n).reshape(nz, ny, nx)
    return u.astype(np.float64), v.astype(np.float64)


def periodic_components(mask):
    """Connected components (6-connected) of a boolean volume with periodic faces."""
    lab, n = ndimage.label(mask)
    if n == 0:
        return 0
    parent = list(range(n + 1))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for ax in range(3):
        a = np.take(lab, 0, axis=ax).ravel()
        b = np.take(lab, -1, axis=ax).ravel()
        for x, y in set(zip(a[(a > 0) & (b > 0)].tolist(), b[(a > 0) & (b > 0)].tolist())):
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[rx] = ry
    return len({find(i) for i in range(1, n + 1)})


def euler(mask):
    """Euler characteristic of the union of the closed voxel cubes of mask (periodic):
    vertices - edges + faces - cubes, each cell present when a voxel it bounds is."""
    m = mask
    cubes = int(np.count_nonzero(m))
    faces = edges = 0
    for ax in range(3):
        faces += int(np.count_nonzero(m | np.roll(m, 1, axis=ax)))
        o = [a for a in range(3) if a != ax]
        e = m | np.roll(m, 1, axis=o[0])
        edges += int(np.count_nonzero(e | np.roll(e, 1, axis=o[1])))
    w = m | np.roll(m, 1, axis=0)
    w = w | np.roll(w, 1, axis=1)
    verts = int(np.count_nonzero(w | np.roll(w, 1, axis=2)))
    return verts - edges + faces - cubes


def features(u, v, u1, v20):
    m = v > ISO
    cells = v.size
    cross = sum(int(np.count_nonzero(m != np.roll(m, 1, axis=ax))) for ax in range(3))
    per = 32 ** 3 / cells
    return {
        'mean': float(v.mean()), 'q50': float(np.quantile(v, 0.5)), 'q99': float(np.quantile(v, 0.99)), 'sd': float(v.std()), 'range': float(v.max() - v.min()),
        'phi': float(m.mean()), 'iface': cross / (3 * cells),
        'blobs': periodic_components(m) * per, 'holes': periodic_components(~m) * per,
        'euler': euler(m) * per,
        'move': float(np.abs(v20 - v).mean()), 'flip': float(np.abs(u1 - u).max()),
    }


def vector(f):
    """The point a preset's pattern is at; each axis spans about [0, 1] over the presets."""
    e = f['euler']
    return np.array([f['phi'], 2 * f['q50'], 2 * f['q99'], 5 * f['iface'],
                     math.copysign(math.log10(1 + abs(e)), e) / 2, (math.log10(f['move'] + 1e-6) + 6) / 5])


def rdsim(args):
    r = subprocess.run([RDSIM] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('rdsim %s: %s' % (' '.join(args), r.stderr.strip()))
    return r.stdout


def measure(run_args, size, steps, threads, tmp):
    a, b, c = (os.path.join(tmp, x) for x in ('a.rds', 'b.rds', 'c.rds'))
    t0 = time.time()
    rdsim(run_args + ['--size', str(size), '--steps', str(steps), '--threads', str(threads), '--save', a])
    secs = time.time() - t0
    rdsim(['--load', a, '--steps', '1', '--threads', str(threads), '--save', b])
    rdsim(['--load', a, '--steps', '20', '--threads', str(threads), '--save', c])
    if KEEP:
        os.makedirs(KEEP, exist_ok=True)
        os.replace(a, os.path.join(KEEP, '%s_%d.rds' % (TAG, size)))
    u, v = read_rds(os.path.join(KEEP, '%s_%d.rds' % (TAG, size)) if KEEP else a)
    u1, _ = read_rds(b)
    _, v20 = read_rds(c)
    f = features(u, v, u1, v20)
    f['secs'] = secs
    return f


def alive(f):
    return f['range'] > 0.1 and f['sd'] > 0.01 and 0 < f['phi'] < 1


def line(name, f):
    return ('%-17s q50 %.3f q99 %.3f mean %.4f sd %.4f range %.3f phi %.4f iface %.4f blobs %7.2f holes %7.2f '
            'euler %8.2f move %.2e flip %.3f  %5.1fs' % (name, f['q50'], f['q99'], f['mean'], f['sd'], f['range'], f['phi'], f['iface'],
                                             f['blobs'], f['holes'], f['euler'], f['move'], f['flip'], f['secs']))


def page_default_size():
    """The page's default grid size: the schema's (engine/schema.c owns it)."""
    doc = json.loads(rdsim(['--schema']))
    return int(next(p for p in doc['params'] if p['key'] == 'size')['default'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', default='48,%d' % page_default_size())
    ap.add_argument('--steps', type=int, default=5000)
    ap.add_argument('--threads', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--only', default='')
    ap.add_argument('--params', default=None)
    o = ap.parse_args()
    sizes = [int(s) for s in o.sizes.split(',')]
    with tempfile.TemporaryDirectory() as tmp:
        if o.params is not None:
            for s in sizes:
                print(line('%d^3' % s, measure(o.params.split(), s, o.steps, o.threads, tmp)), flush=True)
            return 0
        names = [ln.split()[0] for ln in rdsim(['--list-presets']).splitlines() if ln.strip()]
        if o.only:
            names = [n for n in names if n in o.only.split(',')]
        for s in sizes:
            print('=== %d^3, %d steps' % (s, o.steps), flush=True)
            fs = {}
            for n in names:
                global TAG
                TAG = n
                f = measure(['--preset', n], s, o.steps, o.threads, tmp)
                fs[n] = f
                print(line(n, f), flush=True)
            for n in names:
                check(alive(fs[n]), '%s alive at %d^3 after %d steps' % (n, s, o.steps))
                check(fs[n]['flip'] < FLIP_MAX, '%s free of period-2 flips at %d^3 (max |dU| %.3f < %g)'
                      % (n, s, fs[n]['flip'], FLIP_MAX))
            worst = (math.inf, '', '')
            for i, a in enumerate(names):
                for b in names[i + 1:]:
                    d = float(np.linalg.norm(vector(fs[a]) - vector(fs[b])))
                    if d < worst[0]:
                        worst = (d, a, b)
                    if d < MIN_DIST:
                        check(False, '%s and %s distinct at %d^3 (distance %.3f < %g)' % (a, b, s, d, MIN_DIST))
                    else:
                        counts['passed'] += 1  # every pair apart: counted, not printed
            if len(names) > 1:
                print('closest pair at %d^3: %s / %s, distance %.3f (at least %g required)'
                      % (s, worst[1], worst[2], worst[0], MIN_DIST), flush=True)
    finish()


if __name__ == '__main__':
    sys.exit(main())
