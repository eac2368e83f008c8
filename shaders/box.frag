#version 300 es
// box.frag: a flat, dim line colour.
precision mediump float;
out vec4 frag_color;
void main() { frag_color = vec4(0.36, 0.40, 0.48, 1.0); }
