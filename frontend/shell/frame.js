// The frame around every signed-in screen (top bar, sidebar, main), the bare page of the public
// screens, and the panels shown when a screen cannot be.
import { t } from "../i18n.js";
import { navigate } from "../nav.js";
import { clear, describeError, h } from "../ui.js";
import { notificationsMenu, userMenu } from "./menus.js";
import { sidebar } from "./sidebar.js";
import { topSuggestions } from "./suggest.js";

export function errorPanel(error) {
  const message = error.status === 404 ? t("error.not_found") : describeError(error);
  return h("section", { class: "panel narrow" }, h("h1", {}, t("error.title")), h("p", {}, message),
    h("p", {}, h("a", { href: "/" }, t("nav.home"))));
}

export function notFound() {
  return h("section", { class: "panel narrow" }, h("h1", {}, t("error.not_found")), h("p", {}, h("a", { href: "/" }, t("nav.home"))));
}

export function showBare() {
  const app = document.getElementById("app");
  app.className = "app bare";
  const main = h("main", { id: "main", tabindex: "-1", class: "bare-main" });
  clear(app, main);
  return main;
}

export function showFrame(content) {
  const app = document.getElementById("app");
  let main = document.getElementById("main");
  if (!app.classList.contains("framed") || !main) {
    app.className = "app framed";
    main = h("main", { id: "main", tabindex: "-1" });
    clear(app, topbar(), h("div", { class: "layout" }, sidebar(), main));
  } else {
    clear(main);
    document.body.classList.remove("nav-open");
  }
  if (content) main.append(content);
  return main;
}

function topbar() {
  const search = h("input", { type: "search", name: "q", placeholder: t("search.placeholder"), "aria-label": t("search.label"),
    autocomplete: "off", value: new URLSearchParams(location.search).get("q") || "" });
  const menu = h("button", { class: "icon-button menu-button", type: "button", "aria-label": t("nav.menu"),
    "aria-expanded": "false", "aria-controls": "sidebar", onclick: () => {
      const open = document.body.classList.toggle("nav-open");
      menu.setAttribute("aria-expanded", String(open));
    } }, h("span", { class: "burger", "aria-hidden": "true" }));
  return h("header", { class: "topbar" },
    menu,
    h("a", { class: "brand", href: "/" }, h("img", { src: "/icon.svg", alt: "", width: "28", height: "28" }), h("span", {}, "Citybridge")),
    h("form", { class: "topsearch", role: "search", onsubmit: (event) => {
      event.preventDefault();
      navigate(`/search?q=${encodeURIComponent(search.value.trim())}`);
    } }, search, topSuggestions(search, (text) => navigate(`/search?q=${encodeURIComponent(text)}`))),
    notificationsMenu(),
    userMenu());
}
