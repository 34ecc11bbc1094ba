// Settings: one section per concern, each its own module returning its element (or null when
// it does not apply to this person). A feature adds its section to SECTIONS, nothing else here.
import { t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { store } from "../../store.js";
import { h } from "../../ui.js";
import * as email from "./email.js";
import * as notifications from "./notifications.js";
import * as photo from "./photo.js";
import * as profile from "./profile.js";
import * as publicConsent from "./public_consent.js";
import * as security from "./security.js";
import * as securityData from "./security_data.js";
import * as securityDevices from "./security_devices.js";

const SECTIONS = [profile, photo, email, notifications, security, securityDevices, securityData, publicConsent];

export async function show(main) {
  setTitle(t("settings.title"));
  const sections = (await Promise.all(SECTIONS.map((module) => module.section()))).filter(Boolean);
  main.append(h("section", { class: "page narrow stack" },
    h("header", { class: "page-header" }, h("h1", {}, t("settings.title")), h("p", { class: "muted" }, store.me.email)),
    ...sections));
}
