#version 300 es
// box.frag: a flat line colour (app/render.c: dim for the box, bright for the outline
// of the plane under the pointer).
precision mediump float;
uniform vec3 u_color;
out vec4 frag_color;
void main() { frag_color = vec4(u_color, 1.0); }
