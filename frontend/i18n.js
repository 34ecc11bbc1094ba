// Every UI string comes from here, in the user's locale; dates and numbers through Intl.
// Only the locale shown is loaded (each file holds every key, tests/test_frontend_structure.py);
// another is fetched when the person switches.
const LOADERS = {
  en: () => import("./i18n/en.js"),
  fr: () => import("./i18n/fr.js"),
  es: () => import("./i18n/es.js"),
};
export const LOCALE_NAMES = { en: "English", fr: "Français", es: "Español" };

let locale = "en";
let strings = {};

// Languages a person may choose (the server accepts them) that have no translation yet, and the
// language shown instead. Said in Settings, and the choice is kept, never silently replaced.
export const FALLBACKS = { nl: "en" };

/** The locale shown for a chosen one: itself, its explicit fallback, or the browser's. */
export function pickLocale(preferred) {
  const chosen = (preferred || "").toLowerCase().split("-")[0];
  if (FALLBACKS[chosen]) return FALLBACKS[chosen];
  const candidates = [preferred, ...(navigator.languages || [navigator.language])];
  for (const candidate of candidates) {
    const base = (candidate || "").toLowerCase().split("-")[0];
    if (LOADERS[base]) return base;
  }
  return "en";
}

/** Show the app in a locale: resolves once its strings are loaded. */
export async function setLocale(code) {
  const chosen = LOADERS[code] ? code : "en";
  const loaded = (await LOADERS[chosen]()).default;
  locale = chosen;
  strings = loaded;
  document.documentElement.lang = locale;
}

export function currentLocale() {
  return locale;
}

/** t("thread.count", {count: 3}): plural forms as {one, other} objects, {name} placeholders. */
export function t(key, params = {}) {
  let value = strings[key] ?? key;
  if (typeof value === "object") {
    const form = new Intl.PluralRules(locale).select(params.count ?? 0);
    value = value[form] ?? value.other;
  }
  return value.replace(/\{(\w+)\}/g, (_, name) => (name in params ? formatValue(params[name]) : `{${name}}`));
}

function formatValue(value) {
  return typeof value === "number" ? formatNumber(value) : String(value);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatDate(iso, style = "medium") {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: style }).format(new Date(iso));
}

export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

export function formatRelative(iso) {
  if (!iso) return "";
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "minute");
}

export function formatBytes(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return new Intl.NumberFormat(locale, { style: "unit", unit: units[unit], unitDisplay: "short",
    maximumFractionDigits: unit ? 1 : 0 }).format(value);
}

export function formatList(items) {
  return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(items);
}

export function languageName(code) {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

/** A language's name in that language ("Nederlands"). */
export function nativeName(code) {
  try {
    return new Intl.DisplayNames([code], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}
