// The clash viewer: the two elements of a clash (A red, B blue), their neighbours in
// translucent grey and a marker at the clash point, with orbit/pinch controls.
//
// The page holds <div class="bim-viewer" data-src="…view.json">; the JSON payload is
//   {"origin": [x, y, z], "elements": [{"guid", "class", "name", "vertices": [...],
//    "faces": [...], "role": "a"|"b"|"context"}], "clash": {"p1": [...], "p2": [...]}}
// with vertices already relative to origin (the server subtracts a local origin in double
// precision, so a model at survey coordinates still renders without float32 jitter);
// the clash points are world coordinates and are shifted here by the same origin.
// A module script from our own static files: the site's CSP allows nothing inline.
import * as THREE from "./vendor/three.module.min.js";
import { OrbitControls } from "./vendor/OrbitControls.js";

const COLOURS = { a: 0xd63939, b: 0x206bc4, context: 0x9aa0ac };

function hasWebGL() {
  try {
    const c = document.createElement("canvas");
    return !!(window.WebGLRenderingContext && (c.getContext("webgl2") || c.getContext("webgl")));
  } catch (e) {
    return false;
  }
}

function say(box, text, state) {
  const p = document.createElement("div");
  p.className = "bim-viewer-message text-secondary p-3";
  p.textContent = text;
  box.replaceChildren(p);
  box.dataset.state = state;
}

// a whole revision: each IFC class its own colour, the same on every visit
const PALETTE = [0xc8b89a, 0x8fa9c8, 0xb5c99a, 0xd4a5a5, 0xa5c4d4, 0xc9b3d6, 0xe0c68f, 0x9cc2b0];

function classColour(name) {
  let h = 0;
  for (const ch of name || "") h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function material(role, ifcClass) {
  if (role === "model") {
    return new THREE.MeshLambertMaterial({ color: classColour(ifcClass), side: THREE.DoubleSide });
  }
  if (role === "context") {
    return new THREE.MeshLambertMaterial({
      color: COLOURS.context,
      transparent: true,
      opacity: 0.25,
      depthWrite: false,
      side: THREE.DoubleSide,
    });
  }
  return new THREE.MeshLambertMaterial({ color: COLOURS[role] || COLOURS.context, side: THREE.DoubleSide });
}

function meshOf(el) {
  const g = new THREE.BufferGeometry();
  g.setAttribute("position", new THREE.Float32BufferAttribute(el.vertices, 3));
  const n = el.vertices.length / 3;
  g.setIndex(n > 65535 ? new THREE.Uint32BufferAttribute(el.faces, 1) : new THREE.Uint16BufferAttribute(el.faces, 1));
  g.computeVertexNormals();
  const m = new THREE.Mesh(g, material(el.role, el.class));
  m.userData = { guid: el.guid, role: el.role };
  // context drawn after the solid pair so the translucent shells do not hide them
  m.renderOrder = el.role === "context" ? 1 : 0;
  return m;
}

function local(point, origin) {
  return new THREE.Vector3(point[0] - origin[0], point[1] - origin[1], point[2] - origin[2]);
}

function marker(payload, size) {
  const group = new THREE.Group();
  const origin = payload.origin || [0, 0, 0];
  const c = payload.clash;
  if (!c || !c.p1) return group;
  const p1 = local(c.p1, origin);
  const p2 = c.p2 ? local(c.p2, origin) : p1.clone();
  const mid = p1.clone().add(p2).multiplyScalar(0.5);
  const ball = new THREE.Mesh(
    new THREE.SphereGeometry(Math.max(size * 0.02, 0.02), 16, 12),
    new THREE.MeshBasicMaterial({ color: 0xf59f00, depthTest: false })
  );
  ball.position.copy(mid);
  ball.renderOrder = 2;
  group.add(ball);
  if (p1.distanceTo(p2) > 1e-6) {
    const line = new THREE.Line(
      new THREE.BufferGeometry().setFromPoints([p1, p2]),
      new THREE.LineBasicMaterial({ color: 0xf59f00, depthTest: false })
    );
    line.renderOrder = 2;
    group.add(line);
  }
  return group;
}

function fit(camera, controls, box) {
  const sphere = box.getBoundingSphere(new THREE.Sphere());
  const r = Math.max(sphere.radius, 0.1) * 1.1;
  // the narrower of the two angles: a phone held upright sees less across than up and down
  const vHalf = THREE.MathUtils.degToRad(camera.fov / 2);
  const hHalf = Math.atan(Math.tan(vHalf) * camera.aspect);
  const dist = r / Math.sin(Math.min(vHalf, hHalf));
  const dir = new THREE.Vector3(1, -1.2, 0.9).normalize();
  camera.position.copy(sphere.center).addScaledVector(dir, dist);
  camera.near = Math.max(dist / 1000, 0.001);
  camera.far = dist * 100;
  camera.updateProjectionMatrix();
  controls.target.copy(sphere.center);
  controls.update();
}

function show(box, payload) {
  const width = box.clientWidth || 320;
  const height = box.clientHeight || 320;
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setSize(width, height);
  renderer.setClearColor(0xf6f8fb);
  const scene = new THREE.Scene();
  scene.add(new THREE.HemisphereLight(0xffffff, 0x667788, 2.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.2);
  sun.position.set(1, -2, 3);
  scene.add(sun);
  THREE.Object3D.DEFAULT_UP.set(0, 0, 1); // IFC is Z-up
  const camera = new THREE.PerspectiveCamera(45, width / height, 0.01, 1000);
  camera.up.set(0, 0, 1);

  const focus = new THREE.Box3();
  const all = new THREE.Box3();
  for (const el of payload.elements || []) {
    if (!el.vertices || !el.vertices.length || !el.faces || !el.faces.length) continue;
    const m = meshOf(el);
    scene.add(m);
    m.geometry.computeBoundingBox();
    all.union(m.geometry.boundingBox);
    if (el.role !== "context") focus.union(m.geometry.boundingBox);
  }
  const target = focus.isEmpty() ? all : focus;
  if (target.isEmpty()) {
    say(box, "没有可显示的构件几何。", "empty");
    renderer.dispose();
    return;
  }
  const size = target.getSize(new THREE.Vector3()).length();
  scene.add(marker(payload, size));

  box.replaceChildren(renderer.domElement);
  renderer.domElement.style.touchAction = "none"; // pinch and drag go to the controls
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enableDamping = true;
  controls.touches = { ONE: THREE.TOUCH.ROTATE, TWO: THREE.TOUCH.DOLLY_PAN };
  fit(camera, controls, target);

  let touched = false;
  controls.addEventListener("start", () => {
    touched = true;
  });
  const render = () => renderer.render(scene, camera);
  controls.addEventListener("change", render);
  const tick = () => {
    if (controls.update()) render();
    requestAnimationFrame(tick);
  };
  render();
  requestAnimationFrame(tick);

  new ResizeObserver(() => {
    const w = box.clientWidth;
    const h = box.clientHeight;
    if (!w || !h) return;
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    renderer.setSize(w, h);
    if (!touched) fit(camera, controls, target); // rotated phone: fit again until the user moves
    render();
  }).observe(box);

  for (const button of document.querySelectorAll("[data-viewer-fit]")) {
    button.addEventListener("click", () => {
      fit(camera, controls, target);
      render();
    });
  }
  for (const input of document.querySelectorAll("[data-viewer-context]")) {
    input.addEventListener("change", () => {
      scene.traverse((o) => {
        if (o.userData && o.userData.role === "context") o.visible = input.checked;
      });
      render();
    });
  }
  box.dataset.state = "ready";
  box.dataset.elements = String((payload.elements || []).length);
  if (payload.left_out) {
    const note = document.querySelector("[data-viewer-left-out]");
    if (note) note.textContent = "模型较大，另有 " + payload.left_out + " 个构件未显示。";
  }
}

async function start(box) {
  if (!hasWebGL()) {
    say(box, "您的浏览器不支持 WebGL，无法显示三维视图；请使用较新的 Chrome、Edge、Safari 或 Firefox。", "no-webgl");
    return;
  }
  say(box, "正在加载三维视图…", "loading");
  let payload;
  try {
    const r = await fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(String(r.status));
    payload = await r.json();
  } catch (e) {
    say(box, "三维视图加载失败，请刷新页面重试。", "error");
    return;
  }
  try {
    show(box, payload);
  } catch (e) {
    say(box, "三维视图无法显示：" + e.message, "error");
  }
}

for (const box of document.querySelectorAll(".bim-viewer[data-src]")) {
  start(box);
}
