#version 300 es
// slice.frag: a slice's samples through the colour ramp, unlit: the colour of a texel is
// the colormap's colour of its value over the slice's shown range (u_shown, the header's
// lo..hi), as the legend says. u_ramp: the ramp of shaders/mesh.frag (sRGB bytes, shown
// as they are). The clip plane cuts slices too, half a sample beyond it (a slice at the
// clip plane caps the cut surface).
precision highp float;

in vec2 v_tex;
in vec3 v_grid;

uniform sampler2D u_values; // R16F samples
uniform sampler2D u_ramp;
uniform vec2 u_shown;       // [lo, hi]
uniform int u_clip_axis;    // -1: no clip
uniform float u_clip_pos;   // grid units

out vec4 frag_color;

const float RAMP_SIZE = 256.0; // app/render.c's RAMP_SIZE

void main() {
    if (u_clip_axis >= 0 && v_grid[u_clip_axis] > u_clip_pos + 0.5) discard;
    float s = texture(u_values, v_tex).r;
    float t = clamp((s - u_shown.x) / max(u_shown.y - u_shown.x, 1e-20), 0.0, 1.0);
    frag_color = vec4(texture(u_ramp, vec2((0.5 + t * (RAMP_SIZE - 1.0)) / RAMP_SIZE, 0.5)).rgb, 1.0);
}
