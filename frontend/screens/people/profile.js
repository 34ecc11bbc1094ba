// One person's page: their profile as I may see it, our spaces in common, and a way to write to them.
import { api } from "../../api.js";
import { formatDate, languageName, t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { cityName, loadCities, store } from "../../store.js";
import { avatar, describeError, h, themeLabel, toast } from "../../ui.js";

function row(label, value) {
  return value ? [h("dt", {}, label), h("dd", {}, value)] : null;
}

function details(person) {
  const themes = person.expertise_themes || [];
  const tags = person.expertise_tags || [];
  return h("dl", { class: "card details" },
    row(t("settings.position"), person.position),
    row(t("people.office"), person.office),
    row(t("people.city"), cityName(person.city_id)),
    row(t("settings.languages"), (person.languages || []).map((code) => languageName(code)).join(", ")),
    row(t("people.expertise"), themes.length || tags.length
      ? h("span", { class: "chips" }, themes.map((slug) => h("span", { class: "chip" }, themeLabel(slug))),
        tags.map((tag) => h("span", { class: "chip tag" }, tag))) : null),
    row(t("people.time_zone"), person.time_zone),
    row(t("people.bio"), person.bio ? h("span", { class: "prewrap" }, person.bio) : null));
}

function actions(person) {
  if (person.id === store.me.id) return h("p", {}, h("a", { href: "/settings" }, t("people.edit_mine")));
  const message = h("button", { type: "button", class: "primary", id: "message-person" }, t("people.message"));
  message.addEventListener("click", async () => {
    message.disabled = true;
    try {
      const conversation = await api.post("/api/conversations", { participant_ids: [person.id] });
      navigate(`/conversations/${conversation.id}`);
    } catch (error) {
      message.disabled = false;
      toast(describeError(error), "error");
    }
  });
  return h("div", { class: "row wrap" }, message, blockToggle(person));
}

/** Block (or unblock) this person from starting conversations with me. */
function blockToggle(person) {
  let blocked = Boolean(person.blocked);
  const note = h("p", { class: "muted small", hidden: !blocked }, t("people.blocked_note"));
  const button = h("button", { type: "button", id: "block-person" }, t(blocked ? "people.unblock" : "people.block"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const answer = blocked ? await api.del(`/api/people/${person.id}/block`) : await api.put(`/api/people/${person.id}/block`);
      blocked = answer.blocked;
      button.textContent = t(blocked ? "people.unblock" : "people.block");
      note.hidden = !blocked;
    } catch (error) {
      toast(describeError(error), "error");
    } finally {
      button.disabled = false;
    }
  });
  return h("span", { class: "row" }, button, note);
}

/** Their practice records and latest posts, from the spaces I may read (the server trims both). */
function work(person) {
  const records = person.practices || [];
  const posts = person.recent_posts || [];
  const where = (space, date) => h("span", { class: "muted small" }, ` · ${space.name} · ${formatDate(date)}`);
  return [
    h("section", { class: "stack", id: "person-practices" }, h("h2", {}, t("people.practices")),
      records.length ? h("ul", {}, records.map((record) => h("li", {},
        h("a", { href: `/resources/${record.id}` }, record.title), where(record.space, record.updated_at))))
        : h("p", { class: "muted" }, t("people.no_practices"))),
    h("section", { class: "stack", id: "person-posts" }, h("h2", {}, t("people.recent_posts")),
      posts.length ? h("ul", { class: "stack tight" }, posts.map((post) => h("li", {},
        h("a", { href: `/threads/${post.thread.id}#m${post.message_id}` }, post.thread.title), where(post.space, post.created_at),
        h("p", { class: "small" }, post.excerpt))))
        : h("p", { class: "muted" }, t("people.no_recent_posts"))),
  ];
}

export async function show(main, [personId]) {
  await loadCities();
  const person = await api.get(`/api/people/${personId}`);
  setTitle(person.name, t("people.title"));
  const common = person.spaces_in_common || [];
  main.append(h("section", { class: "page narrow stack" },
    h("p", {}, h("a", { href: "/people" }, t("people.back"))),
    h("header", { class: "page-header row" }, avatar(person, "large"),
      h("div", { class: "stack tight" }, h("h1", {}, person.name), h("p", { class: "muted" }, `@${person.handle}`))),
    actions(person),
    details(person),
    h("section", { class: "stack" }, h("h2", {}, t("people.in_common")),
      common.length ? h("ul", {}, common.map((space) => h("li", {}, h("a", { href: `/spaces/${space.id}` }, space.name))))
        : h("p", { class: "muted" }, t("people.nothing_in_common"))),
    work(person)));
}
