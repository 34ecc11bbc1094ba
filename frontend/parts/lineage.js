// A practice's spread across cities (GET /api/practices/{id}/lineage, GET /api/lineage): a graph in
// generations (source on the left, adaptations to its right) for the eye, and the same as a nested
// list for everyone (the graph is hidden from screen readers: the list says all it says).
import { t } from "../i18n.js";
import { cityName } from "../store.js";
import { h } from "../ui.js";

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 230;
const BOX_H = 46;
const GAP_X = 130;
const GAP_Y = 18;

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  for (const child of children.flat()) if (child) element.append(child);
  return element;
}

/** What an edge says: the transfer's state, or a plain adaptation link. */
export function edgeLabel(edge) {
  if (edge.transfer_state) return t(`transfer.state_${edge.transfer_state}`);
  return t("lineage.adapted");
}

/** Nodes by id, the children of each node, and the roots (nodes nobody adapted them from). */
function shape(data) {
  const nodes = new Map(data.nodes.map((node) => [node.id, node]));
  const children = new Map();
  const hasParent = new Set();
  for (const edge of data.edges) {
    const key = edge.source_id;
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(edge);
    if (edge.practice_id) hasParent.add(edge.practice_id);
  }
  const roots = data.nodes.filter((node) => !hasParent.has(node.id));
  return { nodes, children, roots };
}

function place(shaped) {
  const at = new Map(); // node id (or "p<source>-<city>" for a running transfer) -> {x, y}
  let row = 0;
  const visit = (id, depth, seen) => {
    if (seen.has(id)) return;
    seen.add(id);
    const edges = shaped.children.get(id) || [];
    const start = row;
    for (const edge of edges) {
      if (edge.practice_id) visit(edge.practice_id, depth + 1, seen);
      else { at.set(`p${id}-${edge.city_id}`, { x: depth + 1, y: row }); row += 1; }
    }
    const y = edges.length ? (start + row - 1) / 2 : row;
    if (!edges.length) row += 1;
    at.set(id, { x: depth, y });
  };
  const seen = new Set();
  for (const root of shaped.roots) visit(root.id, 0, seen);
  return { at, rows: Math.max(row, 1) };
}

function box(x, y, title, place, current, pending) {
  const left = x * (BOX_W + GAP_X);
  const top = y * (BOX_H + GAP_Y);
  const cls = `lineage-box${current ? " current" : ""}${pending ? " pending" : ""}`;
  const short = title.length > 26 ? `${title.slice(0, 25)}…` : title;
  return svg("g", { class: cls }, svg("title", {}, document.createTextNode(`${title} (${place})`)),
    svg("rect", { x: left, y: top, width: BOX_W, height: BOX_H, rx: 6 }),
    svg("text", { x: left + 10, y: top + 19, class: "lineage-title" }, short),
    svg("text", { x: left + 10, y: top + 36, class: "lineage-city" }, place));
}

/** An edge's label on a background, so the line does not run through its words. */
function edgeText(x, y, text) {
  const width = Math.min(GAP_X - 8, text.length * 6.6 + 10);
  return svg("g", { class: "lineage-label" },
    svg("rect", { x: x - width / 2, y: y - 17, width, height: 15, rx: 3 }),
    svg("text", { x, y: y - 6, "text-anchor": "middle" }, text));
}

function graph(data, shaped, currentId) {
  const { at, rows } = place(shaped);
  const columns = Math.max(...[...at.values()].map((p) => p.x), 0) + 1;
  const width = columns * BOX_W + (columns - 1) * GAP_X;
  const height = rows * BOX_H + (rows - 1) * GAP_Y;
  const parts = [];
  const labels = []; // drawn last, over the lines
  for (const edge of data.edges) {
    const from = at.get(edge.source_id);
    const to = at.get(edge.practice_id || `p${edge.source_id}-${edge.city_id}`);
    if (!from || !to) continue;
    const x1 = from.x * (BOX_W + GAP_X) + BOX_W;
    const y1 = from.y * (BOX_H + GAP_Y) + BOX_H / 2;
    const x2 = to.x * (BOX_W + GAP_X);
    const y2 = to.y * (BOX_H + GAP_Y) + BOX_H / 2;
    parts.push(svg("path", { class: `lineage-edge${edge.practice_id ? "" : " pending"}`, d: `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}` }));
    labels.push(edgeText((x1 + x2) / 2, (y1 + y2) / 2, edgeLabel(edge)));
    if (!edge.practice_id) parts.push(box(to.x, to.y, cityName(edge.city_id) || "?", t("lineage.taking_up"), false, true));
  }
  for (const node of data.nodes) {
    const p = at.get(node.id);
    if (p) parts.push(box(p.x, p.y, node.title, node.city ? node.city.name : cityName(node.city_id) || "", node.id === currentId, false));
  }
  parts.push(...labels);
  return svg("svg", { class: "lineage-graph", viewBox: `-2 -2 ${width + 4} ${height + 4}`, width: width + 4, height: height + 4,
    "aria-hidden": "true", focusable: "false" }, parts);
}

function listOf(shaped, id, currentId, seen) {
  const edges = shaped.children.get(id) || [];
  if (!edges.length) return null;
  return h("ul", {}, edges.map((edge) => {
    const city = cityName(edge.city_id) || "";
    const how = edge.transfer_id
      ? h("a", { href: `/transfers/${edge.transfer_id}` }, t("lineage.by_transfer", { state: edgeLabel(edge) }))
      : h("span", {}, edgeLabel(edge));
    if (!edge.practice_id) return h("li", {}, t("lineage.running", { city }), " · ", how);
    const node = shaped.nodes.get(edge.practice_id);
    if (!node || seen.has(node.id)) return null;
    seen.add(node.id);
    return h("li", {}, item(node, currentId), " · ", how, listOf(shaped, node.id, currentId, seen));
  }));
}

function item(node, currentId) {
  const city = node.city ? node.city.name : cityName(node.city_id);
  const current = node.id === currentId;
  const title = current ? h("strong", {}, node.title) : h("a", { href: `/resources/${node.id}` }, node.title);
  return h("span", {}, title, city ? ` (${city})` : "", current ? h("span", { class: "muted" }, ` – ${t("lineage.this_record")}`) : null);
}

/** The graph and its list; `currentId` marks this screen's own record. */
export function lineageView(data, currentId = null) {
  if (!data.edges.length) return h("p", { class: "muted" }, t("lineage.none"));
  const shaped = shape(data);
  const seen = new Set(shaped.roots.map((root) => root.id));
  return h("div", { class: "lineage" },
    h("div", { class: "lineage-scroll" }, graph(data, shaped, currentId)),
    h("ul", { class: "lineage-list", "aria-label": t("lineage.list") },
      shaped.roots.map((root) => h("li", {}, item(root, currentId), listOf(shaped, root.id, currentId, seen)))));
}
