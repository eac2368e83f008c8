#version 300 es
// slice.vert: one slice of the volume (engine/slice.h) as a quad at its plane. a_uv is
// a unit-square corner; the plane's point is u_origin + uv.x * u_du + uv.y * u_dv in grid
// units (app/render.c sets them from the slice header). The samples are a texture with
// sample (i, j) at texel (i, j): texcoord = u_tex_offset + uv * u_tex_scale puts texel
// centres on the samples (zero-flux: the quad spans samples 0..n-1; periodic: 0..n, the
// texture repeats so n reads sample 0).
precision highp float;

layout(location = 0) in vec2 a_uv;

uniform mat4 u_mvp;
uniform vec3 u_origin, u_du, u_dv;
uniform vec2 u_tex_offset, u_tex_scale;

out vec2 v_tex;
out vec3 v_grid;

void main() {
    vec3 p = u_origin + a_uv.x * u_du + a_uv.y * u_dv;
    v_grid = p;
    v_tex = u_tex_offset + a_uv * u_tex_scale;
    gl_Position = u_mvp * vec4(p, 1.0);
}
