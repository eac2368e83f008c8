#version 300 es
// mesh.vert: decodes the compact vertex of engine/mesh.h (coupled: keep in step).
//   a_pos    3 x uint16, fixed point, MESH_POS_SCALE steps per voxel
//   a_oct    2 x snorm16, octahedral-encoded unit normal
//   a_scalar 1 x unorm16, colouring scalar over the header's [min, max]
precision highp float;

layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec2 a_oct;
layout(location = 2) in float a_scalar;

uniform mat4 u_mvp;
uniform mat4 u_model;      // grid units -> world (centres and scales the box)
uniform float u_pos_scale; // MESH_POS_SCALE: to the samples of the grid the mesh was made on
uniform float u_level;     // 1, or a coarse mesh's level L (engine/lod.h): sample i is fine i * L
uniform vec3 u_last;       // per axis: the coarse sample after which the last, narrower cell
uniform vec3 u_last_step;  // (u_last_step samples wide) ends at a zero-flux far face; else 1e9, 0

out vec3 v_normal;
out vec3 v_world;
out vec3 v_grid; // grid units, for the clip plane
out float v_scalar;

vec3 oct_decode(vec2 e) {
    vec3 n = vec3(e, 1.0 - abs(e.x) - abs(e.y));
    if (n.z < 0.0) n.xy = (1.0 - abs(n.yx)) * vec2(n.x >= 0.0 ? 1.0 : -1.0, n.y >= 0.0 ? 1.0 : -1.0);
    return normalize(n);
}

void main() {
    vec3 c = a_pos / u_pos_scale; // coarse samples
    vec4 p = vec4(min(c, u_last) * u_level + max(c - u_last, 0.0) * u_last_step, 1.0); // grid units
    v_world = (u_model * p).xyz;
    v_grid = p.xyz;
    v_normal = mat3(u_model) * oct_decode(a_oct);
    v_scalar = a_scalar;
    gl_Position = u_mvp * p;
}
