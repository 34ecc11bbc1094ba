// Search across every space I may read: suggestions as I type, facets, highlighted snippets.
import { api } from "../api.js";
import { formatDate, formatNumber, languageName, t } from "../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../nav.js";
import { cityName, loadCities, store } from "../store.js";
import { clear, describeError, emptyState, h, spinner, themeLabel } from "../ui.js";

const FACETS = ["kind", "space", "city", "region", "profile", "size", "theme", "lang", "transfer", "transfer_state"];
// Needs, offers, city profiles and events open their own screens.
const PAGES = { need: "needs", offer: "offers", city: "cities", event: "events" };

function decode(text) {
  // A textarea's content is parsed as text with entities: nothing in it can become markup.
  const box = document.createElement("textarea");
  box.innerHTML = text;
  return box.value;
}

/** Only <mark> survives from a snippet; everything else is shown as text. */
export function highlighted(snippet) {
  const box = h("span");
  const parts = String(snippet || "").split(/(<mark>|<\/mark>)/);
  let marking = false;
  for (const part of parts) {
    if (part === "<mark>") marking = true;
    else if (part === "</mark>") marking = false;
    else if (part) box.append(marking ? h("mark", {}, decode(part)) : decode(part));
  }
  return box;
}

function facetLabel(facet, value, entry) {
  if (entry && entry.label) return entry.label;
  if (facet === "space") { const space = store.spaces.find((s) => s.id === Number(value)); return space ? space.name : value; }
  if (facet === "city") return cityName(Number(value)) || value;
  if (facet === "profile") return t(`profile.${value}`);
  if (facet === "theme") return themeLabel(value);
  if (facet === "lang") return languageName(value);
  if (facet === "kind") return t(`search.kind_${value}`);
  if (facet === "size") return t(`search.size_${value}`);
  if (facet === "transfer") return t(`search.transfer_${value}`);
  if (facet === "transfer_state") return t(`transfer.state_${value}`);
  return value;
}

function resultHref(item) {
  if (item.url && item.url.startsWith("/")) return item.url;
  if (item.kind === "message" && item.thread_id) return `/threads/${item.thread_id}#m${item.message_id ?? item.id}`;
  if (item.kind === "thread") return `/threads/${item.thread_id ?? item.id}`;
  if (item.kind === "conversation" && item.thread_id) return `/conversations/${item.thread_id}`;
  if (PAGES[item.kind]) return `/${PAGES[item.kind]}/${item.id}`;
  if (item.resource_id || ["file", "link", "practice", "resource"].includes(item.kind)) return `/resources/${item.resource_id ?? item.id}`;
  return "#";
}

/** A thread's further matches on this page, under its card: at most three, then how many more. */
function moreInThread(item) {
  const more = item.more || [];
  if (!more.length) return null;
  const shown = more.slice(0, 3).map((hit) => h("li", {},
    h("a", { href: resultHref(hit) }, highlighted(hit.snippet || hit.title || "")),
    h("span", { class: "muted small" }, ` · ${[hit.author ? hit.author.name : null, formatDate(hit.date)].filter(Boolean).join(" · ")}`)));
  const rest = more.length - shown.length;
  return h("div", { class: "result-more" },
    h("p", { class: "muted small" }, t("search.more_in_thread", { count: more.length })),
    h("ul", {}, shown),
    rest > 0 ? h("p", { class: "small" }, h("a", { href: resultHref({ ...item, kind: "thread" }) }, t("search.open_thread", { count: rest }))) : null);
}

function facetEntries(raw) {
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.map((entry) => ({ value: String(entry.value ?? entry.key), count: entry.count, label: entry.label }));
  return Object.entries(raw).map(([value, count]) => ({ value, count }));
}

/** Kind · space · author · language · date. A space is named once: its name already says which
 * cities it pairs, so the cities only stand in when the space is not one this browser knows. */
export function hitMeta(item) {
  const known = store.spaces.find((space) => space.id === Number(item.space_id));
  const where = item.space_name || (known ? known.name
    : (item.city_ids || []).map((cityId) => cityName(cityId)).filter(Boolean).join(" – ") || null);
  const context = item.kind === "event" ? (item.context === "cancelled" ? t("search.cancelled") : null)
    : ["need", "offer"].includes(item.kind) ? item.context : null;
  return [t(`search.kind_${item.kind}`), context, where, item.author ? item.author.name : null,
    item.language || item.lang ? languageName(item.language || item.lang) : null,
    formatDate(item.created_at || item.date)].filter(Boolean).join(" · ");
}

/** Suggestions as one types (a combobox): arrows move, Enter picks, Escape closes. Returns close(). */
function suggestionsFor(input, suggestions, form) {
  let active = -1;
  let options = [];
  let timer = null;
  let controller = null;
  function closeSuggestions() { suggestions.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
  function renderSuggestions() {
    clear(suggestions, options.map((text, index) => h("li", { role: "option", id: `sugg-${index}`, "aria-selected": String(index === active),
      onmousedown: (event) => { event.preventDefault(); choose(text); } }, highlighted(text))));
    suggestions.hidden = !options.length;
    input.setAttribute("aria-expanded", String(options.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", `sugg-${active}`); else input.removeAttribute("aria-activedescendant");
  }
  function choose(text) {
    input.value = decode(text.replace(/<\/?mark>/g, ""));
    closeSuggestions();
    form.requestSubmit();
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { options = []; closeSuggestions(); return; }
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const answer = await api.get("/api/search/suggest", { q }, { signal: controller.signal });
        const raw = answer.items || answer.suggestions || [];
        options = raw.map((entry) => (typeof entry === "string" ? entry : entry.text || entry.title || "")).filter(Boolean).slice(0, 8);
        active = -1;
        renderSuggestions();
      } catch { options = []; closeSuggestions(); }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (suggestions.hidden || !options.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : options.length - 1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0)) % options.length;
      renderSuggestions();
    } else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options[active]); }
    else if (event.key === "Escape") closeSuggestions();
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  return closeSuggestions;
}

export async function show(main, params, query) {
  setTitle(t("search.title"));
  setCurrentSpace(null);
  await loadCities().catch(() => {});
  const selected = Object.fromEntries(FACETS.map((facet) => [facet, query.getAll(facet)]));
  const input = h("input", { type: "search", name: "q", value: query.get("q") || "", autocomplete: "off", role: "combobox",
    "aria-autocomplete": "list", "aria-controls": "suggestions", "aria-expanded": "false", "aria-label": t("search.label") });
  const suggestions = h("ul", { id: "suggestions", class: "suggestions", role: "listbox", hidden: true, "aria-label": t("search.suggestions") });
  const status = h("p", { class: "muted", role: "status" });
  const facetsBox = h("div", { class: "facets", "aria-label": t("search.filters"), role: "group" });
  const results = h("ol", { class: "results" });
  // On a phone the facets wait in a drawer behind one button, so the first result is on the first screen.
  const aside = h("aside", { id: "search-facets", class: "facet-drawer" }, facetsBox);
  const filtersToggle = h("button", { type: "button", class: "filters-toggle", "aria-expanded": "false", "aria-controls": "search-facets",
    onclick: () => {
      const open = aside.classList.toggle("open");
      filtersToggle.setAttribute("aria-expanded", String(open));
    } }, t("search.filters"));
  const form = h("form", { role: "search", class: "search-box" }, h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary" }, t("search.submit"))), suggestions);
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" }, h("h1", {}, t("search.title")), h("p", { class: "muted" }, t("search.lead"))),
    form, status,
    h("div", { class: "search-layout" }, filtersToggle, aside, h("div", {}, results))));

  function url() {
    const search = new URLSearchParams();
    if (input.value.trim()) search.set("q", input.value.trim());
    for (const facet of FACETS) for (const value of selected[facet]) search.append(facet, value);
    return `/search?${search}`;
  }

  async function run() {
    const q = input.value.trim();
    if (!q) { clear(results); clear(facetsBox); status.textContent = ""; return; }
    clear(results, spinner("li"));
    try {
      const filters = Object.fromEntries(Object.entries(selected).filter(([, values]) => values.length).map(([name, values]) => [name, values.join(",")]));
      const answer = await api.get("/api/search", { q, ...filters, group: "thread" });
      const items = answer.items || answer.hits || [];
      // Past 10,000 matches the server estimates the total (total_is_estimate): show it as "≈ N".
      status.textContent = (answer.total_is_estimate ? "≈ " : "") + t("search.count", { count: answer.total ?? items.length, q })
        + (answer.some_words && items.length ? ` ${t("search.some_words")}` : "");
      clear(results, items.length ? items.map((item) => h("li", { class: "card result" },
        h("h2", { class: "result-title" }, h("a", { href: resultHref(item) }, highlighted(item.title_html || item.title || t(`search.kind_${item.kind}`)))),
        h("p", { class: "muted small" }, hitMeta(item)),
        h("p", { class: "snippet" }, highlighted(item.snippet || item.highlight || "")),
        moreInThread(item))) : emptyState(t("search.none", { q }), t("search.none_hint")));
      renderFacets(answer.facets || {});
    } catch (error) {
      clear(results, h("p", { class: "notice" }, error.status === 404 ? t("search.unavailable") : describeError(error)));
    }
  }

  function renderFacets(facets) {
    clear(facetsBox, FACETS.map((facet) => {
      const entries = facetEntries(facets[facet]);
      for (const value of selected[facet]) if (!entries.some((e) => e.value === value)) entries.push({ value, count: 0 });
      if (!entries.length) return null;
      return h("fieldset", { class: "facet" }, h("legend", {}, t(`search.facet_${facet}`)),
        entries.map((entry) => h("label", { class: "check" },
          h("input", { type: "checkbox", checked: selected[facet].includes(entry.value), onchange: (event) => {
            selected[facet] = event.target.checked ? [...selected[facet], entry.value] : selected[facet].filter((v) => v !== entry.value);
            history.replaceState({}, "", url());
            run();
          } }),
          h("span", {}, facetLabel(facet, entry.value, entry)), h("span", { class: "muted small" }, formatNumber(entry.count || 0)))));
    }));
  }

  const closeSuggestions = suggestionsFor(input, suggestions, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    closeSuggestions();
    navigate(url(), { replace: true });
  });
  await run();
  if (!input.value) input.focus();
}
