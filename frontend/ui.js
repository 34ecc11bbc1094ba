// Small DOM helpers shared by every screen. Text always goes in as text, never as HTML.
import { t } from "./i18n.js";

/** h("button", {class: "primary", onclick: fn}, "Save") */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "value") element.value = value;
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let idCounter = 0;
export function uid(prefix = "f") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form control with a slot for its error message. */
export function field(label, control, { hint, name } = {}) {
  control.id = control.id || uid("field");
  if (name) control.name = name;
  const errorId = `${control.id}-error`;
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  // Once the person edits a field the API complained about, its message goes away.
  control.addEventListener("input", () => {
    if (control.getAttribute("aria-invalid") !== "true") return;
    control.removeAttribute("aria-invalid");
    const slot = document.getElementById(errorId);
    if (slot) { slot.hidden = true; slot.textContent = ""; }
  });
  return h("div", { class: "field", dataset: { field: control.name || "" } },
    h("label", { for: control.id }, label),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** Describe an API error for people: a sentence in their language (never the API's English words). */
export function describeError(error) {
  if (!error) return "";
  const known = {
    network: t("error.network"),
    thread_locked: t("error.thread_locked"),
    payload_too_large: t("error.too_large"),
    too_large: t("error.too_large"),
    csrf_failed: t("error.csrf"),
    invalid_credentials: t("error.credentials"),
    bad_credentials: t("error.credentials"),
    file_too_large: t("error.too_large"),
    file_type_not_allowed: t("error.file_type"),
    empty_file: t("error.empty_file"),
    already_flagged: t("error.already_flagged"),
    email_taken: t("error.email_taken"),
    city_exists: t("error.city_exists"),
    not_signed_in: t("error.session_expired"),
    too_many_attempts: t("error.rate_limited"),
    rate_limited: t("error.rate_limited"),
    invitation_invalid: t("error.invitation_invalid"),
    sign_in_to_accept: t("error.sign_in_to_accept"),
    wrong_account: t("error.wrong_account"),
    not_the_author: t("error.not_the_author"),
    not_an_admin: t("error.forbidden"),
    too_long: t("error.too_long"),
    weak_password: t("error.weak_password"),
  };
  if (known[error.code]) return known[error.code];
  const coded = translated(`api.code.${error.code}`);
  if (coded) return coded;
  if (error.status === 413) return t("error.too_large");
  if (error.status === 429) return t("error.rate_limited");
  if (error.status === 403) return t("error.forbidden");
  if (error.status === 404) return t("error.not_found");
  if (error.status === 422) return t("error.invalid");
  if (error.status >= 500) return t("error.server");
  return t("error.generic");
}

function translated(key, params) {
  const text = t(key, params);
  return text === key ? null : text;
}

/** One field's problem in the reader's language: the API sends `{code, ...parameters}`. */
export function fieldMessage(problem) {
  const code = problem && typeof problem === "object" ? problem.code : "invalid";
  const message = translated(`api.field.${code}`, problem) || t("api.field.invalid");
  // A `hint` parameter is itself a code (e.g. why a password is easy to guess).
  const hint = problem && problem.hint ? translated(`api.hint.${problem.hint}`) : null;
  return hint ? `${message}: ${hint}` : message;
}

/** Show an error on a form: per field where the API names fields, and a summary on top. */
export function showFormError(form, error) {
  clearFormErrors(form);
  const summary = form.querySelector(".form-error");
  const unplaced = [];
  for (const [name, problem] of Object.entries(error.fields || {})) {
    const message = fieldMessage(problem);
    const key = name.split(".")[0];
    const slot = form.querySelector(`[data-field="${CSS.escape(key)}"]`);
    if (slot) {
      const control = slot.querySelector("input, textarea, select");
      const text = slot.querySelector(".field-error");
      text.textContent = message;
      text.hidden = false;
      if (control) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), text.id].filter(Boolean).join(" "));
      }
    } else unplaced.push(`${name}: ${message}`);
  }
  if (summary) {
    summary.textContent = [describeError(error), ...unplaced].join(" — ");
    summary.hidden = false;
    summary.focus();
  }
}

export function clearFormErrors(form) {
  form.querySelectorAll(".field-error").forEach((slot) => { slot.hidden = true; slot.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  const summary = form.querySelector(".form-error");
  if (summary) { summary.hidden = true; summary.textContent = ""; }
}

export function formError() {
  return h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
}

/** Disable a form's buttons while a request runs. */
export async function busy(form, work) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

const announcer = () => document.getElementById("announcer");

/** Say something to screen readers without moving focus. */
export function announce(text) {
  const region = announcer();
  if (!region) return;
  region.append(h("p", {}, text));
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

export function toast(text, kind = "info") {
  const box = document.getElementById("toasts");
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

export function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0].toUpperCase()).join("");
}

export function avatar(user, size = "") {
  const name = user ? user.name : "?";
  if (user && user.photo_url) {
    // Beside the name, never instead of it: the picture is decoration (alt="").
    const src = size === "small" ? `${user.photo_url}&size=64` : user.photo_url;
    return h("img", { class: `avatar photo ${size}`, src, alt: "", loading: size === "large" ? "eager" : "lazy", decoding: "async" });
  }
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) % 360;
  const element = h("span", { class: `avatar ${size}`, "aria-hidden": "true", dataset: { hue: String(hash % 12) } }, initials(name));
  return element;
}

export function themeLabel(slug) {
  return t(`theme.${slug}`);
}

export function emptyState(title, text, action) {
  return h("div", { class: "empty" }, h("p", { class: "empty-title" }, title), text ? h("p", {}, text) : null, action || null);
}

// In a list, the spinner is a list item holding the status: an <li role="status"> is no list item,
// and a list may only hold list items (axe-core's "list" rule, while a list is still loading).
export function spinner(tag = "div") {
  const status = h(tag === "li" ? "div" : tag, { class: "loading", role: "status" },
    h("span", { class: "spinner", "aria-hidden": "true" }), t("common.loading"));
  return tag === "li" ? h("li", {}, status) : status;
}

export function link(href, ...children) {
  return h("a", { href }, ...children);
}
