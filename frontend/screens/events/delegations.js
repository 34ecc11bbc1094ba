// A study visit's delegations: who is going (or maybe) from each city, with its lead, for everyone
// who reads the space; the organisers' list with answers is attendees.js.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { avatar, clear, describeError, h } from "../../ui.js";

export function delegationList(event) {
  // The heading is there from the start, as in report.js: the section may be read before its list.
  const heading = () => h("h2", { id: "delegations-title", class: "section-title" }, t("events.delegations"));
  const box = h("section", { class: "delegations", "aria-labelledby": "delegations-title" }, heading());
  async function load() {
    let listing;
    try { listing = await api.get(`/api/events/${event.id}/delegations`); } catch (error) {
      clear(box, heading(), h("p", { class: "notice" }, describeError(error)));
      return;
    }
    const person = (member, lead) => h("li", { class: "member" }, avatar(member.user),
      h("span", { class: "grow" }, member.user.name),
      lead && lead.id === member.user.id ? h("span", { class: "badge" }, t("events.delegation_lead")) : null,
      member.status === "maybe" ? h("span", { class: "badge subtle" }, t("events.status.maybe")) : null);
    const group = (delegation) => h("li", { class: "card delegation" },
      h("h3", {}, delegation.city ? `${delegation.city.name}, ${delegation.city.country}` : t("events.delegation_no_city"),
        " ", h("span", { class: "muted small" }, t("events.delegation_size", { count: delegation.members.length }))),
      h("ul", { class: "members" }, delegation.members.map((member) => person(member, delegation.lead))));
    clear(box,
      heading(),
      listing.items.length ? h("ul", { class: "plain-list delegation-list" }, listing.items.map(group))
        : h("p", { class: "muted small" }, t("events.delegations_none")));
  }
  return { element: box, load };
}
