#!/usr/bin/python3
"""test_mc_peers: our marching cubes against independent implementations.

Run with Debian's /usr/bin/python3 (numpy, python3-vtk9, python3-skimage). On the
same raw volumes (zero-flux grid, clip mode, isovalues no sample equals):
  - triangle count equals vtkFlyingEdges3D's exactly (same case-table counts),
    also on white noise where most cells are ambiguous;
  - vertex count equals the number of crossed edges (numpy) and FE's point count;
  - on smooth volumes, surface area and enclosed volume agree with FE and skimage
    within 0.1% (on noise only the counts are compared: see compare());
  - the PLY/OBJ/STL exports parse and hold the same mesh;
  - the mesh hash is the same natively and as WASM under Node (and for 1 or 3 threads),
    through bench_mc and through the CLI (rdsim --mesh, files compared byte for byte).
Our side is build/bench/bin/bench_mc and its WASM build (made up to date here).
Prints `N passed, N failed` last; exits non-zero on failure.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NATIVE = os.path.join(ROOT, "build/bench/bin/bench_mc")
WASM = os.path.join(ROOT, "build/bench/bin/bench_mc.cjs")
RDSIM = os.path.join(ROOT, "build/native/rdsim")
RDSIM_WASM = os.path.join(ROOT, "build/wasm/rdsim.js")
NODE = ["node", "--no-experimental-fetch"]
TMP = tempfile.mkdtemp(prefix="mc_peers_")


def ensure_built():
    """Brings both builds of the tool up to date (a no-op when they are)."""
    subprocess.run(["make", "-s", "-C", ROOT, "build/bench/bin/bench_mc", "build/bench/bin/bench_mc.cjs",
                    "build/native/rdsim", "build/wasm/rdsim.js"], check=True, stdout=subprocess.DEVNULL)


def run_ours(vol, iso, extra=(), wasm=False, mesh=None, threads=2):
    """Meshes vol ([z, y, x] float32) with bench_mc; returns its JSON line as a dict."""
    path = os.path.join(TMP, "vol_%d.raw" % os.getpid())
    np.ascontiguousarray(vol, dtype="<f4").tofile(path)
    nz, ny, nx = vol.shape
    cmd = (NODE + [WASM]) if wasm else [NATIVE]
    # Two repetitions: the second mesh (the one written) takes the vertex-arena path.
    cmd += ["--raw", path, str(nx), str(ny), str(nz), "--iso", repr(float(iso)), "--reps", "2",
            "--threads", str(threads)] + list(extra)
    if mesh:
        cmd += ["--mesh", mesh]
    env = dict(os.environ, NODE_PATH="/usr/share/nodejs")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def read_ply(path):
    with open(path, "rb") as f:
        data = f.read()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    header = data[:end].decode().splitlines()
    assert header[1] == "format binary_little_endian 1.0"
    nv = nt = 0
    props = []
    for line in header:
        w = line.split()
        if w[:2] == ["element", "vertex"]:
            nv = int(w[2])
        elif w[:2] == ["element", "face"]:
            nt = int(w[2])
        elif w[0] == "property" and w[1] != "list":
            props.append((w[2], "<f4" if w[1] == "float" else "u1"))
    vdt = np.dtype(props)
    verts = np.frombuffer(data, vdt, nv, end)
    fdt = np.dtype([("n", "u1"), ("i", "<u4", (3,))])
    faces = np.frombuffer(data, fdt, nt, end + nv * vdt.itemsize)
    assert end + nv * vdt.itemsize + nt * fdt.itemsize == len(data)
    assert (faces["n"] == 3).all()
    pos = np.stack([verts["x"], verts["y"], verts["z"]], 1).astype(np.float64)
    return pos, faces["i"].astype(np.int64), verts


def area_volume(pos, tri):
    a, b, c = pos[tri[:, 0]], pos[tri[:, 1]], pos[tri[:, 2]]
    cr = np.cross(b - a, c - a)
    area = 0.5 * np.linalg.norm(cr, axis=1).sum()
    vol = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
    return area, vol


def crossed_edges(vol, iso):
    ins = vol >= iso
    return int((ins[:, :, 1:] != ins[:, :, :-1]).sum() + (ins[:, 1:, :] != ins[:, :-1, :]).sum()
               + (ins[1:, :, :] != ins[:-1, :, :]).sum())


def flying_edges(vol, iso):
    import vtk
    from vtk.util import numpy_support as ns
    nz, ny, nx = vol.shape
    img = vtk.vtkImageData()
    img.SetDimensions(nx, ny, nz)
    arr = ns.numpy_to_vtk(np.ascontiguousarray(vol, dtype=np.float32).ravel(), deep=1)
    arr.SetName("v")
    img.GetPointData().SetScalars(arr)
    fe = vtk.vtkFlyingEdges3D()
    fe.SetInputData(img)
    fe.SetValue(0, float(iso))
    fe.ComputeNormalsOff()
    fe.ComputeScalarsOff()
    fe.Update()
    out = fe.GetOutput()
    pos = ns.vtk_to_numpy(out.GetPoints().GetData()).astype(np.float64)
    conn = ns.vtk_to_numpy(out.GetPolys().GetConnectivityArray()).reshape(-1, 3).astype(np.int64)
    return pos, conn


def skimage_mc(vol, iso):
    from skimage import measure
    verts, faces, _, _ = measure.marching_cubes(vol.astype(np.float32), level=float(iso), allow_degenerate=True)
    return verts[:, ::-1].astype(np.float64), faces.astype(np.int64)  # (z, y, x) -> (x, y, z)


def blobs(shape, seed):
    """Sum of Gaussian bumps well inside the box: closed surfaces, below iso on the faces."""
    rng = np.random.default_rng(seed)
    nz, ny, nx = shape
    z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    v = np.zeros(shape)
    for _ in range(7):
        c = [rng.uniform(0.3, 0.7) * n for n in (nx, ny, nz)]
        s = rng.uniform(3.0, 6.0)
        v += np.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) / (2 * s * s))
    return v.astype(np.float32)


def gyroid(n):
    t = np.arange(n) * (4 * np.pi / (n - 1))
    z, y, x = np.meshgrid(t, t, t, indexing="ij")
    return (np.sin(x) * np.cos(y) + np.sin(y) * np.cos(z) + np.sin(z) * np.cos(x)).astype(np.float32)


def noise(shape, seed):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def safe_iso(vol, iso):
    """Nudges iso off any sample value (ties would depend on the >= convention only)."""
    iso = np.float32(iso)
    while (vol == iso).any():
        iso = np.nextafter(iso, np.float32(np.inf))
    return float(iso)


class Peers(unittest.TestCase):
    def compare(self, vol, iso, closed, smooth=True):
        iso = safe_iso(vol, iso)
        ply = os.path.join(TMP, "m.ply")
        ours = run_ours(vol, iso, mesh=ply)
        pos, tri, _ = read_ply(ply)
        self.assertEqual(ours["triangles"], len(tri))
        self.assertEqual(ours["vertices"], len(pos))
        self.assertEqual(len(pos), crossed_edges(vol, iso))
        fpos, ftri = flying_edges(vol, iso)
        self.assertEqual(len(tri), len(ftri), "triangle count differs from vtkFlyingEdges3D")
        self.assertEqual(len(pos), len(fpos), "vertex count differs from vtkFlyingEdges3D's points")
        if not smooth:
            # On noise most loops are 4- to 7-gons whose triangulation is a free choice
            # (ours avoids diagonals on cell faces; VTK's table picks others): the
            # triangle counts agree, the areas differ by ~0.5%.
            return ours
        a, v = area_volume(pos, tri)
        fa, fv = area_volume(fpos, ftri)
        spos, stri = skimage_mc(vol, iso)
        sa, sv = area_volume(spos, stri)
        peers = [("vtkFlyingEdges3D", fa, fv), ("skimage", sa, sv)]
        for name, pa, pv in peers:
            self.assertLess(abs(a - pa) / pa, 1e-3, "area vs %s: %.6f vs %.6f" % (name, a, pa))
            if closed:
                self.assertGreater(v, 0)  # outward winding
                self.assertLess(abs(v - abs(pv)) / abs(pv), 1e-3, "volume vs %s: %.6f vs %.6f" % (name, v, pv))
        return ours

    def test_sphere(self):
        n = 48
        z, y, x = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
        vol = (17.0 - np.sqrt((x - 23.3) ** 2 + (y - 24.1) ** 2 + (z - 22.7) ** 2)).astype(np.float32)
        self.compare(vol, 0.0, closed=True)

    def test_blobs(self):
        for seed, shape, iso in ((1, (50, 61, 72), 0.37), (2, (40, 33, 47), 0.61)):
            self.compare(blobs(shape, seed), iso, closed=True)

    def test_gyroid(self):
        self.compare(gyroid(80), 0.3, closed=False)

    def test_white_noise(self):
        """Ambiguous cells everywhere: counts must still match FE's case table exactly."""
        for seed, shape, iso in ((3, (37, 29, 41), 0.5), (4, (33, 40, 35), 0.23), (5, (20, 24, 31), 0.81)):
            self.compare(noise(shape, seed), iso, closed=False, smooth=False)

    def test_exports(self):
        vol = blobs((30, 34, 38), 9)
        iso = safe_iso(vol, 0.4)
        ply, obj, stl = (os.path.join(TMP, "e." + e) for e in ("ply", "obj", "stl"))
        ours = run_ours(vol, iso, mesh=ply, extra=["--scalar", "2"])
        run_ours(vol, iso, mesh=obj)
        run_ours(vol, iso, mesh=stl)
        pos, tri, verts = read_ply(ply)
        self.assertIn("red", verts.dtype.names)
        n = np.stack([verts["nx"], verts["ny"], verts["nz"]], 1)
        self.assertLess(np.abs(np.linalg.norm(n, axis=1) - 1).max(), 1e-5)
        v = [l.split()[1:4] for l in open(obj) if l.startswith("v ")]
        f = [l.split()[1:] for l in open(obj) if l.startswith("f ")]
        self.assertEqual(len(v), ours["vertices"])
        self.assertEqual(len(f), ours["triangles"])
        self.assertTrue(np.allclose(np.array(v, float), pos, atol=1e-6))
        self.assertEqual([int(c.split("//")[0]) - 1 for c in f[0]], list(tri[0]))
        with open(stl, "rb") as fh:
            data = fh.read()
        (count,) = struct.unpack_from("<I", data, 80)
        self.assertEqual(count, ours["triangles"])
        self.assertEqual(len(data), 84 + 50 * count)
        first = np.frombuffer(data, "<f4", 12, 84)
        self.assertTrue(np.allclose(first[3:12].reshape(3, 3), pos[tri[0]], atol=1e-6))

    def test_native_equals_wasm(self):
        cases = [(gyroid(70), 0.3, []),
                 (noise((37, 29, 41), 6), 0.5, ["--periodic"]),
                 (noise((40, 20, 33), 7), 0.5, ["--close", "--scalar", "2"]),
                 (blobs((40, 33, 47), 2), 0.61, ["--scalar", "1"])]
        for vol, iso, extra in cases:
            iso = safe_iso(vol, iso)
            native = run_ours(vol, iso, extra)
            self.assertGreater(native["triangles"], 0)
            for t in (1, 3):
                self.assertEqual(run_ours(vol, iso, extra, threads=t)["hash"], native["hash"])
            wasm = run_ours(vol, iso, extra, wasm=True)
            for k in ("vertices", "triangles", "blob_bytes", "hash"):
                self.assertEqual(native[k], wasm[k], "%s native %s wasm %s (%s)" % (k, native[k], wasm[k], extra))

    def test_rdsim_native_equals_wasm(self):
        """rdsim --mesh: same mesh_hash and same file bytes natively and under Node."""
        env = dict(os.environ, NODE_PATH="/usr/share/nodejs")
        runs = [["--size", "40", "--steps", "300", "--iso", "0.2"],
                ["--dims", "40,24,33", "--steps", "300", "--boundary", "zeroflux", "--mesh-close",
                 "--mesh-color", "gradv", "--iso", "0.1"]]
        for args in runs:
            for ext in ("ply", "stl"):
                files, hashes = [], []
                for tool in ([RDSIM], NODE + [RDSIM_WASM]):
                    path = os.path.join(TMP, "r%d.%s" % (len(files), ext))
                    out = subprocess.run(tool + args + ["--threads", "2", "--hash", "--mesh", path], check=True,
                                         capture_output=True, text=True, env=env).stdout
                    line = [l for l in out.splitlines() if l.startswith("mesh_hash ")]
                    self.assertEqual(len(line), 1, out)
                    hashes.append(line[0])
                    with open(path, "rb") as f:
                        files.append(f.read())
                self.assertEqual(hashes[0], hashes[1], args)
                self.assertGreater(len(files[0]), 1000)
                self.assertEqual(files[0], files[1], "%s .%s differs" % (args, ext))


if __name__ == "__main__":
    ensure_built()
    result = unittest.TextTestRunner(verbosity=2).run(unittest.defaultTestLoader.loadTestsFromTestCase(Peers))
    failed = len(result.failures) + len(result.errors)
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
