#version 300 es
// box.vert: the grid's bounding box as lines; corners come in as 0/1 per axis.
precision highp float;
layout(location = 0) in vec3 a_corner;
uniform mat4 u_mvp;
uniform vec3 u_size; // grid size in grid units
void main() { gl_Position = u_mvp * vec4(a_corner * u_size, 1.0); }
