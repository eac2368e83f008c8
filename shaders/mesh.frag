#version 300 es
// mesh.frag: two-sided Blinn-Phong with a head light; colour from the per-vertex
// scalar through u_ramp, or a flat base colour when u_use_scalar is 0. The scalar
// arrives normalised over this mesh's own range (u_scalar_range, the mesh header's)
// and is coloured over the range the page shows (u_shown_range: the fixed range of its
// kind, mc.h's mc_scalar_shown_range, so a colour means one value in every frame; or, with
// Colour range "fit", the mesh's own). A cap (the surface closed at a box face) is lit with
// the face's normal: its corners on the seam are the surface's vertices (shared, so the
// solid stays closed) and carry the surface's normal, which would shade a dark rim.
// u_ramp (app/render.c) is the view's map of engine/colormap.c, the colours mesh exports
// carry: 256 x 1 texels of sRGB bytes, entry i at scalar i / 255. They are made linear
// here (pow 2.2) and the output re-applies 1/2.2, so a lit surface facing the head
// light shows about the exported colour.
precision highp float;

in vec3 v_normal;
in vec3 v_world;
in vec3 v_grid;
in float v_scalar;

uniform vec3 u_eye;
uniform vec3 u_base_color;
uniform float u_use_scalar;
uniform vec2 u_scalar_range; // [min, max] the vertex scalar was normalised from
uniform vec2 u_shown_range;  // [lo, hi] the colours span
uniform sampler2D u_ramp;
uniform int u_clip_axis;  // -1: no clip; else what lies beyond u_clip_pos on that axis is cut away
uniform float u_clip_pos; // grid units
uniform vec3 u_face_hi;   // grid units: the far box faces' lowest place (render.c: a zero-flux
                          // grid's last sample n - 1; a periodic grid's far faces at n lie beyond)

out vec4 frag_color;

const float RAMP_SIZE = 256.0; // app/render.c's RAMP_SIZE
const float FACE_EPS = 1e-3;   // grid units: on a box face (at 0, or at or beyond u_face_hi)

// The normal a fragment is lit with: a cap's, flat in its box face (the triangle's own plane,
// from the derivatives, is that face), is the face's outward axis; any other interpolates.
vec3 shading_normal() {
    vec3 g = cross(dFdx(v_grid), dFdy(v_grid));
    float len = length(g);
    for (int a = 0; a < 3; a++) {
        bool low = v_grid[a] < FACE_EPS, high = v_grid[a] > u_face_hi[a] - FACE_EPS;
        if ((low || high) && len > 0.0 && abs(g[a]) > 0.9999 * len) {
            vec3 f = vec3(0.0);
            f[a] = low ? -1.0 : 1.0; // the model matrix scales uniformly: grid axes are world axes
            return f;
        }
    }
    return normalize(v_normal);
}

// Linear colour of the ramp at t in [0, 1]: texel centres, so t = 0 and 1 are the ends.
vec3 ramp(float t) {
    vec3 srgb = texture(u_ramp, vec2((0.5 + t * (RAMP_SIZE - 1.0)) / RAMP_SIZE, 0.5)).rgb;
    return pow(srgb, vec3(2.2));
}

void main() {
    if (u_clip_axis >= 0 && v_grid[u_clip_axis] > u_clip_pos) discard; // the clip plane: cut open
    vec3 n = shading_normal();
    vec3 v = normalize(u_eye - v_world);
    if (dot(n, v) < 0.0) n = -n; // two-sided: open (clipped) surfaces show their back
    vec3 l = v;                  // head light
    vec3 h = normalize(l + v);
    float diff = max(dot(n, l), 0.0);
    float spec = pow(max(dot(n, h), 0.0), 48.0);
    float s = mix(u_scalar_range.x, u_scalar_range.y, v_scalar);
    float t = (s - u_shown_range.x) / max(u_shown_range.y - u_shown_range.x, 1e-20);
    vec3 base = mix(u_base_color, ramp(clamp(t, 0.0, 1.0)), u_use_scalar);
    vec3 c = base * (0.18 + 0.82 * diff) + vec3(0.25) * spec;
    frag_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
