// What the app knows about the signed-in person and the network, shared by every screen, and the
// topics screens subscribe to. Live events reach the store through one dispatcher (dispatch.js);
// screens never listen to the socket themselves.
import { api, cached, forget, setCsrf } from "./api.js";

export const store = {
  me: null,
  spaces: [],
  cities: new Map(),
};

const topics = new Map(); // topic -> Set(handler)

/** Call handler(change) whenever `topic` changes; returns a function that stops. Topics: "spaces",
 * "connection", "notification", "joined", and per space `${what}:${spaceId}` (see dispatch.js). */
export function subscribe(topic, handler) {
  let handlers = topics.get(topic);
  if (!handlers) { handlers = new Set(); topics.set(topic, handlers); }
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (!handlers.size && topics.get(topic) === handlers) topics.delete(topic);
  };
}

export function publish(topic, change = {}) {
  for (const handler of [...(topics.get(topic) || [])]) {
    // One broken view must not stop the others; the error still reaches the console.
    try { handler(change); } catch (error) { reportError(error); }
  }
}

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
  spacesLoadedAt = 0;
}

let spacesPending = null;
let spacesLoadedAt = 0;

/** My spaces from the server; one request at a time, and none if a list younger than maxAgeMs is
 * held (the live stream keeps it current meanwhile): the first screen does not ask twice at boot. */
export async function loadSpaces(maxAgeMs = 0) {
  if (spacesPending) return spacesPending;
  if (maxAgeMs && Date.now() - spacesLoadedAt < maxAgeMs) return store.spaces;
  spacesPending = api.get("/api/spaces").then(({ items }) => {
    store.spaces = items;
    spacesLoadedAt = Date.now();
    for (const space of items) for (const city of space.cities) store.cities.set(city.id, city);
    publish("spaces");
    return items;
  }).finally(() => { spacesPending = null; });
  return spacesPending;
}

/** A space I just joined, as the server describes it for me. */
export function putSpace(space) {
  const known = store.spaces.findIndex((candidate) => candidate.id === space.id);
  if (known >= 0) store.spaces[known] = space;
  else store.spaces.push(space);
  for (const city of space.cities || []) store.cities.set(city.id, city);
  publish("spaces");
}

/** A live `space.updated`: the event is the same for everyone, so my role and state stay mine. */
export function updateSpace(space) {
  const known = store.spaces.findIndex((candidate) => candidate.id === space.id);
  if (known < 0) return;
  const { my_role: _role, my_state: _state, ...shared } = space;
  store.spaces[known] = { ...store.spaces[known], ...shared };
  for (const city of space.cities || []) store.cities.set(city.id, city);
  publish("spaces");
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
