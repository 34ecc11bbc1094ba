// What the app knows about the signed-in person and the network, shared by every screen.
import { api, cached, forget, setCsrf } from "./api.js";

export const store = {
  me: null,
  spaces: [],
  cities: new Map(),
};

export async function loadMe() {
  try {
    const me = await api.get("/api/me");
    setCsrf(me.csrf_token);
    store.me = me;
  } catch (error) {
    if (error.status !== 401) throw error;
    store.me = null;
  }
  return store.me;
}

export function signedIn(session) {
  setCsrf(session.csrf_token);
  store.me = session.user;
}

export function signedOut() {
  setCsrf(null);
  store.me = null;
  store.spaces = [];
}

export async function loadSpaces() {
  const { items } = await api.get("/api/spaces");
  store.spaces = items;
  for (const space of items) for (const city of space.cities) store.cities.set(city.id, city);
  return items;
}

export async function loadCities(fresh = false) {
  if (fresh) forget("/api/cities");
  const { items } = await cached("/api/cities");
  for (const city of items) store.cities.set(city.id, city);
  return items;
}

export function spaceById(id) {
  return store.spaces.find((space) => space.id === Number(id));
}

export function cityName(id) {
  const city = store.cities.get(id);
  return city ? city.name : "";
}

// Unread counts and mentions live in frontend/unread.js, from the server's read positions.
