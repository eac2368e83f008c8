#version 300 es
// mesh.frag: two-sided Blinn-Phong with a head light; colour from the per-vertex
// scalar (a blue-to-amber ramp) or a flat base colour when u_use_scalar is 0.
precision highp float;

in vec3 v_normal;
in vec3 v_world;
in float v_scalar;

uniform vec3 u_eye;
uniform vec3 u_base_color;
uniform float u_use_scalar;

out vec4 frag_color;

vec3 ramp(float t) {
    vec3 a = vec3(0.12, 0.35, 0.75), b = vec3(0.35, 0.80, 0.70), c = vec3(0.98, 0.72, 0.25);
    return t < 0.5 ? mix(a, b, t * 2.0) : mix(b, c, t * 2.0 - 1.0);
}

void main() {
    vec3 n = normalize(v_normal);
    vec3 v = normalize(u_eye - v_world);
    if (dot(n, v) < 0.0) n = -n; // two-sided: open (clipped) surfaces show their back
    vec3 l = v;                  // head light
    vec3 h = normalize(l + v);
    float diff = max(dot(n, l), 0.0);
    float spec = pow(max(dot(n, h), 0.0), 48.0);
    vec3 base = mix(u_base_color, ramp(clamp(v_scalar, 0.0, 1.0)), u_use_scalar);
    vec3 c = base * (0.18 + 0.82 * diff) + vec3(0.25) * spec;
    frag_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
