// What the author and the moderators do with a library entry: edit it (the server keeps the
// previous version), delete it; and what every other reader may do: flag it for the moderators.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { navigate } from "../../nav.js";
import { themeBoxes } from "../../parts/themes.js";
import { store } from "../../store.js";
import { busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";

function editForm(page, { onSaved, onCancel }) {
  const resource = page.resource;
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200", value: resource.title });
  const summary = h("textarea", { name: "summary", rows: "4" });
  summary.value = resource.summary || "";
  const url = resource.kind === "link" ? h("input", { type: "url", name: "url", required: true, value: resource.url || "" }) : null;
  const themes = themeBoxes("themes", t("common.themes"));
  for (const box of themes.querySelectorAll("input")) box.checked = (resource.themes || []).includes(box.value);
  const form = h("form", { class: "card stack", novalidate: true, "aria-label": t("library.edit_title") },
    formError(), field(t("library.title"), title), url ? field(t("library.url"), url) : null,
    field(t("library.summary"), summary), themes,
    h("p", { class: "hint" }, t("library.edit_keeps_version")),
    h("div", { class: "row end" },
      h("button", { type: "button", class: "ghost", onclick: onCancel }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: title.value.trim(), summary: summary.value, themes: [...themes.querySelectorAll("input:checked")].map((box) => box.value) };
    if (url) body.url = url.value.trim();
    await busy(form, async () => {
      try { onSaved(await api.patch(`/api/resources/${resource.id}`, body)); } catch (error) { showFormError(form, error); }
    });
  });
  setTimeout(() => title.focus());
  return form;
}

function confirmDelete(page, slot, back) {
  const resource = page.resource;
  return h("div", { class: "confirm", role: "group", "aria-label": t("library.delete") },
    h("p", {}, t("library.delete_confirm", { title: resource.title })),
    h("button", { type: "button", class: "ghost small", onclick: () => { clear(slot); back.focus(); } }, t("common.cancel")),
    h("button", { type: "button", class: "danger small", onclick: async (event) => {
      event.target.disabled = true;
      try {
        await api.del(`/api/resources/${resource.id}`);
        toast(t("library.deleted", { title: resource.title }));
        navigate(`/spaces/${page.space.id}/library`);
      } catch (error) {
        event.target.disabled = false;
        clear(slot, h("p", { class: "form-error", role: "alert" }, describeError(error)));
      }
    } }, t("library.delete")));
}

function flagForm(page, slot, back) {
  const reason = h("input", { type: "text", name: "reason", required: true, maxlength: "1000" });
  const form = h("form", { class: "reason-form row wrap", novalidate: true },
    formError(), field(t("library.flag_reason"), reason),
    h("div", { class: "row" },
      h("button", { type: "button", class: "ghost small", onclick: () => { clear(slot); back.focus(); } }, t("common.cancel")),
      h("button", { type: "submit", class: "primary small" }, t("moderation.flag_send"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) { reason.focus(); return; }
    await busy(form, async () => {
      try {
        await api.post(`/api/resources/${page.resource.id}/flags`, { reason: reason.value.trim() });
        clear(slot);
        toast(t("moderation.flagged"));
      } catch (error) { showFormError(form, error); }
    });
  });
  setTimeout(() => reason.focus());
  return form;
}

/** The entry's buttons and the slot their forms open in; `onChanged(resource)` after an edit. */
export function manageBar(page, onChanged) {
  const slot = h("div", { class: "manage-slot" });
  const bar = h("div", { class: "row gap manage" });
  const mine = page.resource.author && page.resource.author.id === store.me.id;
  const open = (make) => (event) => {
    const button = event.currentTarget;
    if (slot.firstChild) { clear(slot); return; }
    slot.append(make(button));
  };
  if (page.canEdit) {
    bar.append(
      h("button", { type: "button", class: "small", onclick: open((button) => editForm(page, {
        onCancel: () => { clear(slot); button.focus(); },
        onSaved: (resource) => { clear(slot); toast(t("library.saved")); onChanged(resource); },
      })) }, t("library.edit")),
      h("button", { type: "button", class: "ghost small danger-text", onclick: open((button) => confirmDelete(page, slot, button)) }, t("library.delete")));
  }
  if (!mine && page.space.my_role) {
    bar.append(h("button", { type: "button", class: "ghost small", onclick: open((button) => flagForm(page, slot, button)) }, t("library.flag")));
  }
  return h("div", {}, bar, slot);
}
