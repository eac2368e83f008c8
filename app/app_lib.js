// app_lib.js: the JavaScript half of the app's platform layer (an emscripten
// --js-library). The page (web/main.js) owns the hooks under Module.rd:
//   Module.rd.pendingMesh : newest mesh ArrayBuffer from the compute worker, or null
//   Module.rd.pendingMeshGrid : [level, nx, ny, nz] of that mesh: drawn from every level-th
//     sample (web/compute_worker.js, engine/lod.h) of the nx x ny x nz simulation grid
//   Module.rd.pendingSlices : [x, y, z] of the newest mesh's slices: an ArrayBuffer
//     (engine/slice.h: 32-byte header, float32 samples), null (that slice is off) or
//     undefined (nothing new)
//   Module.rd.onReady(glVersion), onFail(message), onFrame(triangles, hadNewMesh, drew)
//   (every animation frame; drew: the app drew this frame, which it does only when
//   what the view shows changed: app/main.c), onAsleep() (optional: the app's frames stop
//   until something wakes it, _app_wake: app/main.c),
//   onPaint(origin[3], dir[3]) (a view ray in grid units), onUpload(ms, bytes) (optional:
//   the main-thread time of each mesh upload), onPlaneMoved(kind, axis, t, done) (a plane
//   dragged with the pointer: kind 0 a slice, 1 the clip plane (render.h); axis 0..2; t its
//   position 0..1; done at the release; web/slices.js)
// Mesh layout: engine/mesh.h (32-byte header, 12-byte vertices, uint32 indices).

mergeInto(LibraryManager.library, {
  // Uploads the pending mesh straight from the transferred ArrayBuffer into the
  // given GL buffers, so its bytes never pass through the app's heap; only the
  // 32-byte header is copied to headerOut. Returns 0 if no mesh was taken, else the
  // level it was meshed at (1, 2 or 4); a coarse mesh's header then names the simulation
  // grid (pendingMeshGrid), and coarseOut (3 x uint32) the coarse one its positions are in.
  app_js_take_mesh__deps: ['$GL'],
  app_js_take_mesh: function (vbo, ibo, headerOut, coarseOut) {
    var rd = Module['rd'];
    var buf = rd && rd.pendingMesh;
    if (!buf) return 0;
    rd.pendingMesh = null;
    var grid = rd.pendingMeshGrid || [1];
    rd.pendingMeshGrid = null;
    var level = grid[0];
    var HEADER = 32, VERTEX = 12, MAGIC = 0x3148534d;
    if (buf.byteLength < HEADER) { rd.onFail('mesh message too short: ' + buf.byteLength + ' bytes'); return 0; }
    var h = new Uint32Array(buf, 0, 8);
    var vbytes = h[1] * VERTEX, ibytes = h[2] * 4;
    if (h[0] !== MAGIC || HEADER + vbytes + ibytes !== buf.byteLength || h[2] % 3 !== 0) {
      rd.onFail('mesh message malformed (magic ' + h[0].toString(16) + ', ' + buf.byteLength + ' bytes)');
      return 0;
    }
    var t0 = performance.now(); // the upload's main-thread time, for web/budget.js
    GLctx.bindBuffer(GLctx.ARRAY_BUFFER, GL.buffers[vbo]);
    GLctx.bufferData(GLctx.ARRAY_BUFFER, new Uint8Array(buf, HEADER, vbytes), GLctx.STATIC_DRAW);
    GLctx.bindBuffer(GLctx.ELEMENT_ARRAY_BUFFER, GL.buffers[ibo]);
    GLctx.bufferData(GLctx.ELEMENT_ARRAY_BUFFER, new Uint8Array(buf, HEADER + vbytes, ibytes), GLctx.STATIC_DRAW);
    HEAPU8.set(new Uint8Array(buf, 0, HEADER), headerOut);
    HEAPU32.set([h[3], h[4], h[5]], coarseOut >> 2); // the grid its positions are in
    if (level !== 1) {
      var ok = (level === 2 || level === 4) && grid.length === 4;
      for (var a = 0; ok && a < 3; a++) ok = grid[a + 1] >= h[3 + a] && grid[a + 1] <= level * h[3 + a];
      if (!ok) { rd.onFail('mesh message: level ' + level + ' does not fit grid ' + grid.slice(1).join('x')); return 0; }
      HEAPU32.set(grid.slice(1), (headerOut >> 2) + 3); // nx, ny, nz: the simulation grid's
    }
    if (rd.onUpload) rd.onUpload(performance.now() - t0, buf.byteLength);
    return level;
  },

  // Uploads the pending slice of axis into the given texture as R16F (filterable in
  // WebGL2) straight from the transferred ArrayBuffer; copies its 32-byte header to
  // headerOut. Returns 1 when one was taken, 2 when that slice is now off, 0 otherwise.
  app_js_take_slice__deps: ['$GL'],
  app_js_take_slice: function (axis, tex, headerOut) {
    var rd = Module['rd'];
    var all = rd && rd.pendingSlices;
    if (!all || all[axis] === undefined) return 0;
    var buf = all[axis];
    all[axis] = undefined;
    if (buf === null) return 2;
    var HEADER = 32, MAGIC = 0x31434c53;
    var h = buf.byteLength >= HEADER ? new Uint32Array(buf, 0, 8) : null;
    if (!h || h[0] !== MAGIC || h[1] !== axis || HEADER + 4 * h[3] * h[4] !== buf.byteLength) {
      rd.onFail('slice message malformed (' + buf.byteLength + ' bytes)');
      return 0;
    }
    GLctx.bindTexture(GLctx.TEXTURE_2D, GL.textures[tex]);
    GLctx.pixelStorei(GLctx.UNPACK_ALIGNMENT, 4);
    GLctx.texImage2D(GLctx.TEXTURE_2D, 0, GLctx.R16F, h[3], h[4], 0, GLctx.RED, GLctx.FLOAT,
      new Float32Array(buf, HEADER, h[3] * h[4]));
    GLctx.bindTexture(GLctx.TEXTURE_2D, null);
    HEAPU8.set(new Uint8Array(buf, 0, HEADER), headerOut);
    return 1;
  },

  app_js_ready: function (glVersion) {
    if (Module['rd']) Module['rd'].onReady(UTF8ToString(glVersion));
  },

  app_js_fail: function (message) {
    if (Module['rd']) Module['rd'].onFail(UTF8ToString(message));
  },

  // ray: app_pointer_ray's 10 floats (origin, dir, the slice's axis and point).
  app_js_paint: function (ray, planeAxis) {
    if (!Module['rd'] || !Module['rd'].onPaint) return;
    var r = Array.prototype.slice.call(HEAPF32.subarray(ray >> 2, (ray >> 2) + 10));
    Module['rd'].onPaint(r.slice(0, 3), r.slice(3, 6), planeAxis >= 0 ? { axis: planeAxis, at: r.slice(7, 10) } : null);
  },

  app_js_plane_moved: function (kind, axis, t, done) {
    if (Module['rd'] && Module['rd'].onPlaneMoved) Module['rd'].onPlaneMoved(kind, axis, t, done !== 0);
  },

  app_js_asleep: function () {
    if (Module['rd'] && Module['rd'].onAsleep) Module['rd'].onAsleep();
  },

  app_js_frame: function (triangles, hadNewMesh, drew) {
    // changed: what was drawn differs from the last frame (drew 1; 2 repeats it, app/main.c)
    if (Module['rd']) Module['rd'].onFrame(triangles >>> 0, hadNewMesh !== 0, drew !== 0, drew === 1);
  },
});
