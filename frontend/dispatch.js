// The one way in for live events. live.js keeps the socket; this module maps every event kind the
// server records (`changelog.record` in server/services) to store updates and store topics, and
// screens subscribe to those topics (store.subscribe, or watch() below for a space's data).
import { live } from "./live.js";
import { publish, putSpace, store, subscribe, updateSpace } from "./store.js";
import { addNotification, refreshUnread } from "./unread.js";

// What a space's event changes, by kind. A screen watches the parts it shows:
// threads (a space's thread list), messages (a thread: its messages, reactions and header),
// members, library (resources and collections), resource (one entry), moderation (flags, audit).
const CHANGES = {
  "thread.created": ["threads"],
  "thread.updated": ["threads", "messages", "moderation"],
  "message.created": ["threads", "messages"],
  "message.edited": ["messages"],
  "message.deleted": ["messages", "moderation"],
  "message.hidden": ["messages", "moderation"],
  "message.unhidden": ["messages", "moderation"],
  "reaction.added": ["messages"],
  "reaction.removed": ["messages"],
  "member.added": ["members", "moderation"],
  "member.updated": ["members", "moderation"],
  "member.removed": ["members", "moderation"],
  "member.requested": ["members", "moderation"],
  "member.approved": ["members", "moderation"],
  "member.refused": ["members", "moderation"],
  "member.suspended": ["members", "moderation"],
  "member.reinstated": ["members", "moderation"],
  "resource.created": ["library"],
  "resource.updated": ["library", "resource"],
  "resource.deleted": ["library", "resource", "moderation"],
  "resource.hidden": ["library", "resource", "moderation"],
  "resource.unhidden": ["library", "resource", "moderation"],
  "collection.created": ["library", "resource"],
  "collection.updated": ["library", "resource"],
  "collection.deleted": ["library", "resource"],
  "flag.created": ["moderation"],
  "flag.resolved": ["moderation"],
  "space.created": ["space"],
  "space.updated": ["space"],
  "event.created": ["events"],
  "event.updated": ["events"],
  "event.cancelled": ["events"],
  "registration.changed": ["events"],
  "poll.created": ["events"],
  "poll.voted": ["events"],
  "poll.decided": ["events"],
  "event.reported": ["events"],
  "transfer.created": ["transfers"],
  "transfer.updated": ["transfers"],
  "transfer.planned": ["transfers"],
  "transfer.tracked": ["transfers"],
  "transfer.logged": ["transfers"],
  "transfer.completed": ["transfers"],
};
const EVERYTHING = [...new Set(Object.values(CHANGES).flat())];
// Kinds that move the unread counts of the spaces I belong to (the sidebar's badges).
const COUNTED = new Set(["message.created", "message.deleted", "message.hidden", "message.unhidden", "reset"]);

const follows = new Map(); // space_id -> {count, mine, stop}: one socket subscription per space

function receive(spaceId, event) {
  const record = follows.get(spaceId);
  const data = event.data || {};
  if (event.kind === "space.updated" && data.id) updateSpace(data);
  if (event.kind === "access.revoked") follows.delete(spaceId); // the server ended it: a later watch asks again
  if (record && record.mine && COUNTED.has(event.kind)) {
    const author = data.author;
    if (!(event.kind === "message.created" && author && store.me && author.id === store.me.id)) refreshUnread();
  }
  const what = event.kind === "reset" ? EVERYTHING : event.kind === "access.revoked" ? ["space"] : CHANGES[event.kind] || [];
  for (const name of what) publish(`${name}:${spaceId}`, event);
}

function acquire(spaceId, mine = false) {
  let record = follows.get(spaceId);
  if (!record) {
    record = { count: 0, mine: false };
    follows.set(spaceId, record);
    record.stop = live.subscribe(spaceId, (event) => receive(spaceId, event));
  }
  record.count += 1;
  if (mine) record.mine = true;
  return record;
}

function release(spaceId, record) {
  record.count -= 1;
  if (record.count > 0) return;
  record.stop();
  if (follows.get(spaceId) === record) follows.delete(spaceId);
}

/** Follow one part of a space's data (see CHANGES): handler(event) on every change, and with
 * kind "reset" when the screen must refetch. Subscribes the socket at once, so a screen that
 * watches before it loads misses nothing. Returns a function that stops. */
export function watch(spaceId, what, handler) {
  spaceId = Number(spaceId);
  const record = acquire(spaceId);
  const stop = subscribe(`${what}:${spaceId}`, handler);
  return () => { stop(); release(spaceId, record); };
}

// Every space I belong to is followed for as long as I am signed in, so the sidebar's unread
// counts move live, whatever screen is open.
const mine = new Map(); // space_id -> record

export function followMySpaces() {
  if (!store.me || !live.wanted) return;
  const wanted = new Set(store.spaces.filter((space) => space.my_role).map((space) => space.id));
  for (const [spaceId, record] of mine) if (!wanted.has(spaceId)) { mine.delete(spaceId); release(spaceId, record); }
  for (const spaceId of wanted) if (!mine.has(spaceId)) mine.set(spaceId, acquire(spaceId, true));
}

export function stopFollowing() {
  for (const [spaceId, record] of mine) release(spaceId, record);
  mine.clear();
}

function userEvent(frame) {
  const data = frame.data || {};
  if (frame.kind === "notification.mention") {
    if (addNotification(frame)) publish("notification", data);
  } else if (frame.kind === "read.updated") {
    refreshUnread(0);
  } else if (frame.kind === "conversation.joined") {
    publish("conversations", data);
  } else if (frame.kind === "space.joined" && data.id) {
    putSpace(data);
    refreshUnread(0);
    publish("joined", data);
  }
}

/** Follow one direct conversation (a stream like a space): on.message(message) for each new
 * message, on.left(user) when someone leaves, on.reset() when the screen must refetch, on.revoked()
 * when I am no longer in it. Returns a function that stops. */
export function watchConversation(conversationId, on) {
  return live.subscribe(`c${Number(conversationId)}`, (event) => {
    if (event.kind === "dm.created") on.message(event.data);
    else if (event.kind === "dm.edited") on.edited(event.data);
    else if (event.kind === "dm.deleted") on.deleted(event.data);
    else if (event.kind === "dm.reacted" || event.kind === "dm.unreacted") on.reacted(event.data, event.kind === "dm.reacted");
    else if (event.kind === "conversation.left") on.left(event.data.user);
    else if (event.kind === "reset") on.reset();
    else if (event.kind === "access.revoked") on.revoked();
  });
}

/** Wire the socket to the store, once, at boot. */
export function installDispatcher() {
  subscribe("spaces", followMySpaces);
  live.on("user", userEvent);
  live.on("status", (state, previous) => {
    if (state === "online" && previous !== "online") refreshUnread(0);
    publish("connection", { state, previous });
  });
  live.on("typing", (frame) => publish(`typing:${Number(frame.thread_id)}`, frame));
  live.on("presence", (frame) => publish(`presence:${frame.space_id}`, frame));
  live.on("unauthorized", (code) => publish("unauthorized", { code }));
}

/** Who is online in a space, as last announced (kept by the socket across screens). */
export const presence = (spaceId) => live.presence(spaceId);
export const connectionState = () => live.state;
export const everConnected = () => live.everConnected;
export const sendTyping = (threadId) => live.typing(threadId);
