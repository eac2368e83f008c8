// slices.js: hands the app (app/render.c) the view settings it draws itself, from the
// view in force as the engine reports it (rd.view): the colormap (by its index in
// engine/colormap.c's table, the order of the schema's choices), the isosurface on/off
// and the clip plane. The slices themselves come as data with each mesh (the worker
// builds them: engine/slice.h) and the app uploads them (app_lib.js app_js_take_slice).
// main.js calls rdSlices.onView whenever the view in force or the app changes.
'use strict';

window.rdSlices = {
  onView(view) {
    const rd = window.rd, app = rd.app;
    if (!app || !view || typeof P === 'undefined' || !P.colormap) return;
    const cm = P.colormap.choices.findIndex((c) => c.value === view.colormap);
    if (cm >= 0) app._app_set_colormap(cm);
    app._app_set_surface(view.surface === false ? 0 : 1);
    const axis = ['x', 'y', 'z'].indexOf(view.clip);
    app._app_set_clip(axis, axis >= 0 ? Number(view.clipPos) : 0);
    rd.drawnView = { colormap: cm >= 0 ? view.colormap : null, surface: view.surface !== false, clip: view.clip, clipPos: view.clipPos };
  },
};
