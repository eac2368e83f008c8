#!/usr/bin/python3
"""test_vti: rdsim --volume files read by VTK's own XML reader (python3-vtk9), as
ParaView reads them: the grid's extent, spacing and origin, U and V equal bit for bit to
the .rds file of the same run, the field data (parameters, step, seed, the stored state
hash equal to the .rds file's and to --hash's line), VTK's contour of V matching rdsim's
--mesh surface, the WASM rdsim writing the same bytes, --volume-every's time series (its
.pvd's datasets and times, each frame the bytes of a run of that many steps), and the
refused names and values. Ends with
"N passed, N failed"."""
import os
import shutil
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkFiltersCore import vtkContourFilter, vtkMassProperties, vtkTriangleFilter
from vtkmodules.vtkIOGeometry import vtkSTLReader
from vtkmodules.vtkIOXML import vtkXMLImageDataReader

from checks import RDSIM, ROOT, check, finish  # tests/checks.py

NODE = shutil.which('node')
WASM_RDSIM = os.path.join(ROOT, 'build', 'wasm', 'rdsim.js')


def read_rds(path):
    d = open(path, 'rb').read()
    nx, ny, nz = struct.unpack_from('<3I', d, 16)
    n = nx * ny * nz
    u = np.frombuffer(d, '<f4', n, 128)
    v = np.frombuffer(d, '<f4', n, 128 + 4 * n)
    return (nx, ny, nz), u, v, struct.unpack_from('<Q', d, len(d) - 8)[0]


def fields(img):
    fd = img.GetFieldData()
    out = {}
    for i in range(fd.GetNumberOfArrays()):
        a = fd.GetAbstractArray(i)
        out[a.GetName()] = a.GetTuple1(0) if a.GetNumberOfComponents() else None
    return out


def area(poly):
    tri = vtkTriangleFilter()
    tri.SetInputData(poly)
    mp = vtkMassProperties()
    mp.SetInputConnection(tri.GetOutputPort())
    mp.Update()
    return mp.GetSurfaceArea()


cases = [
    ('periodic, 19-point', ['--dims', '33,20,17', '--steps', '60', '--seed', '5', '--stencil', '19'], {'Stencil': 19, 'Boundary': 0}),
    ('zero-flux, 27-point, worms', ['--dims', '24,31,18', '--steps', '80', '--preset', 'worms', '--stencil', '27',
                                    '--boundary', 'zeroflux'], {'Stencil': 27, 'Boundary': 1}),
    ('parameter map, 7-point', ['--dims', '40,24,12', '--steps', '50', '--map', '--k-min', '0.05',
                                '--stencil', '7'], {'Stencil': 7, 'Map': 1}),
]

with tempfile.TemporaryDirectory() as tmp:
    for i, (what, args, expect) in enumerate(cases):
        vti, rds = os.path.join(tmp, 'c%d.vti' % i), os.path.join(tmp, 'c%d.rds' % i)
        out = subprocess.run([RDSIM] + args + ['--volume', vti, '--save', rds, '--hash'],
                             capture_output=True, text=True)
        if not check(out.returncode == 0, '%s: rdsim --volume ran' % what):
            print(out.stderr)
            continue
        dims, u, v, stored = read_rds(rds)
        r = vtkXMLImageDataReader()
        r.SetFileName(vti)
        r.Update()
        img = r.GetOutput()
        check(img.GetDimensions() == dims, '%s: VTK reads dims %s' % (what, img.GetDimensions()))
        check(img.GetSpacing() == (1, 1, 1) and img.GetOrigin() == (0, 0, 0), '%s: spacing 1, origin 0' % what)
        pd = img.GetPointData()
        check(pd.GetScalars() is not None and pd.GetScalars().GetName() == 'V', '%s: V is the active scalars' % what)
        vv, uu = vtk_to_numpy(pd.GetArray('V')), vtk_to_numpy(pd.GetArray('U'))
        check(vv.dtype == np.float32 and np.array_equal(vv.view(np.uint32), v.view(np.uint32)),
              '%s: V bit-equal to the .rds file' % what)
        check(uu.dtype == np.float32 and np.array_equal(uu.view(np.uint32), u.view(np.uint32)),
              '%s: U bit-equal to the .rds file' % what)
        f = fields(img)
        steps = int(args[args.index('--steps') + 1])
        check(f.get('Step') == steps and f.get('TimeValue') == steps * f['dt'] and f['dt'] > 0, '%s: Step and TimeValue' % what)
        check(all(f.get(k) == want for k, want in expect.items()), '%s: %s' % (what, expect))
        check(('kMin' in f) == (f.get('Map') == 1), '%s: map ranges present only with the map' % what)
        if f.get('Map') == 1:
            check(abs(f['kMin'] - 0.05) < 1e-7, '%s: kMin as given' % what)
        # the hash as a 20-digit decimal: read it as text (a double cannot hold 64 bits)
        text = open(vti, 'rb').read()
        key = b'Name="StateHash" NumberOfTuples="1" format="ascii">'
        h = int(text[text.index(key) + len(key):].split(b'<', 1)[0])
        check(h == stored, '%s: StateHash = the .rds stored hash (%016x)' % (what, h))
        check(out.stdout.strip().splitlines()[-1] == 'state_hash %016x' % h, '%s: = the --hash line' % what)

    # VTK's own contour of the volume against rdsim's mesh of the same state
    vti, stl = os.path.join(tmp, 'm.vti'), os.path.join(tmp, 'm.stl')
    args = ['--dims', '40,32,28', '--steps', '200', '--boundary', 'zeroflux', '--iso', '0.25']
    out = subprocess.run([RDSIM] + args + ['--volume', vti, '--mesh', stl], capture_output=True, text=True)
    if check(out.returncode == 0, 'contour case ran'):
        r = vtkXMLImageDataReader()
        r.SetFileName(vti)
        c = vtkContourFilter()
        c.SetInputConnection(r.GetOutputPort())
        c.SetValue(0, 0.25)
        c.Update()
        s = vtkSTLReader()
        s.SetFileName(stl)
        s.Update()
        a_vtk, a_ours = area(c.GetOutput()), area(s.GetOutput())
        check(a_vtk > 100 and abs(a_vtk - a_ours) <= 0.02 * a_ours,
              "VTK's contour of the volume has rdsim --mesh's area (%.1f vs %.1f)" % (a_vtk, a_ours))
        b_vtk, b_ours = c.GetOutput().GetBounds(), s.GetOutput().GetBounds()
        check(max(abs(x - y) for x, y in zip(b_vtk, b_ours)) < 0.5, 'and its bounds (%s)' % (b_vtk,))

    # the WASM build writes the same bytes
    if NODE and os.path.exists(WASM_RDSIM):
        a, b = os.path.join(tmp, 'n.vti'), os.path.join(tmp, 'w.vti')
        args = ['--dims', '20,12,9', '--steps', '30', '--threads', '2', '--seed', '9']
        n = subprocess.run([RDSIM] + args + ['--volume', a], capture_output=True)
        w = subprocess.run([NODE, '--no-experimental-fetch', WASM_RDSIM] + args + ['--volume', b], capture_output=True)
        check(n.returncode == 0 and w.returncode == 0 and open(a, 'rb').read() == open(b, 'rb').read(),
              'native and WASM rdsim write the same .vti bytes')
    else:
        check(False, 'build/wasm/rdsim.js and node present (make wasm)')

    # --volume-every: a time series for ParaView, the .pvd listing each frame with its time
    series = os.path.join(tmp, 'a&b')
    os.mkdir(series)
    vol = os.path.join(series, 'r&1.vti')  # a name XML must escape
    args = ['--dims', '18,12,10', '--steps', '25', '--seed', '2', '--dt', '0.5', '--threads', '2']
    out = subprocess.run([RDSIM] + args + ['--volume', vol, '--volume-every', '10', '--hash'], capture_output=True, text=True)
    plain = subprocess.run([RDSIM] + args + ['--hash'], capture_output=True, text=True)
    if check(out.returncode == 0, '--volume-every ran'):
        check(out.stdout.split()[-1] == plain.stdout.split()[-1], 'the series run ends in the plain run\'s state hash')
        pvd = ET.parse(os.path.join(series, 'r&1.pvd')).getroot()
        sets = [(float(d.get('timestep')), d.get('file')) for d in pvd.iter('DataSet')]
        check(pvd.get('type') == 'Collection' and sets == [(0.0, 'r&1-step00.vti'), (5.0, 'r&1-step10.vti'),
                                                           (10.0, 'r&1-step20.vti'), (12.5, 'r&1-step25.vti')],
              'the .pvd lists the start, every 10 steps and the last, at step * dt: %s' % sets)
        for t, name in sets:
            r = vtkXMLImageDataReader()
            r.SetFileName(os.path.join(series, name))
            r.Update()
            f = fields(r.GetOutput())
            step = int(name[:-4].rsplit('step', 1)[1])
            alone = os.path.join(tmp, 'alone.vti')
            subprocess.run([RDSIM] + args[:2] + ['--steps', str(step)] + args[4:] + ['--volume', alone], check=True)
            check(f.get('Step') == step and f.get('TimeValue') == t and
                  open(os.path.join(series, name), 'rb').read() == open(alone, 'rb').read(),
                  '%s: step %d, time %g, the bytes of a run of %d steps' % (name, step, t, step))
        check(open(vol, 'rb').read() == open(os.path.join(series, 'r&1-step25.vti'), 'rb').read(),
              '--volume holds the last state')
    # continued from a file: the names count from the file's step, padded to the last step's digits
    rds = os.path.join(tmp, 'c0.rds')
    out = subprocess.run([RDSIM, '--load', rds, '--steps', '45', '--volume-every', '20', '--volume',
                          os.path.join(tmp, 'cont.vti')], capture_output=True, text=True)
    names = sorted(n for n in os.listdir(tmp) if n.startswith('cont-step'))
    check(out.returncode == 0 and names == ['cont-step060.vti', 'cont-step080.vti', 'cont-step100.vti', 'cont-step105.vti'],
          'continued from step 60: %s' % names)

    # refused before any work, with status 2 and the reason
    rds = os.path.join(tmp, 'c0.rds')
    refusals = [
        (['--volume', os.path.join(tmp, 'x.rds')], 'must end in .vti'),
        (['--volume', os.path.join(tmp, 'same.vti'), '--trace', os.path.join(tmp, '.', 'same.vti')], 'same file'),
        (['--volume', os.path.join(tmp, 'nofolder', 'v.vti')], 'nofolder'),
        (['--volume', os.path.join(tmp, 'dir.vti')], 'is a directory'),
        (['--volume-every', '5'], '--volume-every needs --volume FILE.vti'),
        (['--volume-every', '5', '--volume', os.path.join(tmp, 's.vti'), '--scaling', '1,2'], 'and no --scaling'),
        (['--volume-every', '0', '--volume', os.path.join(tmp, 's.vti')], 'must be an integer 1..10^12'),
        (['--volume-every', '1', '--steps', '10000', '--volume', os.path.join(tmp, 's.vti')],
         '10000 steps would write 10001 volumes; at most 10000'),
    ]
    os.mkdir(os.path.join(tmp, 'dir.vti'))
    for extra, why in refusals:
        out = subprocess.run([RDSIM, '--size', '8', '--steps', '1'] + extra, capture_output=True, text=True)
        check(out.returncode == 2 and why in out.stderr, 'refused (%s): %s' % (why, out.stderr.strip()[:90]))
    # naming the --load file would replace the state it continues
    link = os.path.join(tmp, 'state.vti')
    os.symlink(rds, link)
    before = open(rds, 'rb').read()
    out = subprocess.run([RDSIM, '--load', rds, '--steps', '1', '--volume', link], capture_output=True, text=True)
    check(out.returncode == 2 and open(rds, 'rb').read() == before,
          '--volume through a link to the --load file refused, the state kept: %s' % out.stderr.strip()[:90])

finish()
