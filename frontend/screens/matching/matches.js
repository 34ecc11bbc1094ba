// One need (or offer) and the cities that could help (or use it), ranked, each with its reasons;
// officials of either city express interest, and an admin turns a match into a space in one step.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { store } from "../../store.js";
import { h, link, themeLabel, toast } from "../../ui.js";

function interestState(match) {
  const sides = match.interest || [];
  if (sides.includes("need") && sides.includes("helper")) return t("matching.mutual");
  if (sides.includes("need")) return t("matching.asked");
  if (sides.includes("helper")) return t("matching.offered");
  return null;
}

function buttons(need, match, refresh) {
  if (!need) return null;
  const me = store.me;
  const sides = match.interest || [];
  const interest = async (button) => {
    button.disabled = true;
    try {
      await api.post(`/api/needs/${need.id}/interest`, { city_id: match.city.id });
      toast(t("matching.interest_sent"));
      await refresh();
    } catch (error) { button.disabled = false; toast(error.message, "error"); }
  };
  const createSpace = async (button) => {
    button.disabled = true;
    try { navigate(`/spaces/${(await api.post(`/api/matches/${need.id}/${match.city.id}/space`)).id}`); } catch (error) {
      button.disabled = false; toast(error.message, "error");
    }
  };
  const ask = me.city_id === need.city_id && !sides.includes("need");
  const offer = me.city_id === match.city.id && !sides.includes("helper");
  return h("div", { class: "row wrap" },
    ask ? h("button", { type: "button", class: "primary", onclick: (e) => interest(e.currentTarget) }, t("matching.ask", { city: match.city.name })) : null,
    offer ? h("button", { type: "button", class: "primary", onclick: (e) => interest(e.currentTarget) }, t("matching.offer_help")) : null,
    me.is_admin ? h("button", { type: "button", onclick: (e) => createSpace(e.currentTarget) }, t("matching.create_space")) : null);
}

function matchItem(need, match, rank, refresh) {
  const state = interestState(match);
  return h("li", { class: "card stack match" },
    h("div", { class: "row between wrap" },
      h("h3", {}, `${rank}. `, link(`/cities/${match.city.id}`, match.city.name)),
      h("span", { class: "badge" }, t("matching.score", { score: match.score }))),
    h("p", { class: "muted small" }, t(`profile.${match.city.profile}`), " · ", match.city.country),
    h("h4", { class: "small" }, t("matching.why")),
    h("ul", { class: "reasons" }, match.reasons.map((r) => h("li", {}, r.text, " ", h("span", { class: "muted small" }, `(+${r.weight})`)))),
    state ? h("p", {}, h("span", { class: "badge subtle" }, state)) : null,
    buttons(need, match, refresh));
}

async function showItem(main, kind, id) {
  const item = await api.get(`/api/${kind}s/${id}`);
  const need = kind === "need" ? item : null;
  const title = need ? `${item.city.name}: ${themeLabel(item.theme)}` : `${item.city.name}: ${item.practice.title}`;
  setTitle(title);
  const list = h("ol", { class: "plain-list stack matches", "aria-labelledby": "matches-title" });
  const refresh = async () => {
    const answer = await api.get(`/api/${kind}s/${id}/matches`);
    list.replaceChildren(...answer.items.map((m, i) => matchItem(need, m, i + 1, refresh)));
    if (!answer.items.length) list.append(h("li", { class: "muted" }, t("matching.no_matches")));
  };
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" },
      h("p", { class: "muted" }, link("/matching", t("matching.title"))),
      h("h1", {}, title),
      h("p", {}, h("span", { class: need ? "badge" : "badge subtle" }, t(`matching.${kind}`)), " ", link(`/cities/${item.city.id}`, item.city.name)),
      need ? h("p", {}, item.challenge) : h("p", {}, link(`/resources/${item.practice.id}`, item.practice.title))),
    h("h2", { class: "section-title", id: "matches-title" }, need ? t("matching.could_help") : t("matching.could_use")),
    h("p", { class: "muted small" }, t("matching.explained")),
    list));
  await refresh();
}

export function show(main, [id]) {
  return showItem(main, "need", id);
}

export function showOffer(main, [id]) {
  return showItem(main, "offer", id);
}
