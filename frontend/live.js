// The realtime connection every screen uses: one websocket, subscriptions per space,
// automatic reconnection that resumes from the last event id seen, so nothing is lost or doubled.

const PING_EVERY = 25_000;
const PONG_WITHIN = 10_000;

class Live {
  constructor() {
    this.socket = null;
    this.state = "idle"; // idle | connecting | online | offline
    this.everConnected = false;
    this.spaces = new Map(); // space_id, or "c<conversation_id>" for a conversation -> {since, handlers:Set}
    this.typingHandlers = new Set();
    this.presenceHandlers = new Set();
    this.userHandlers = new Set();
    this.statusHandlers = new Set();
    this.unauthorizedHandlers = new Set();
    this.retries = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.wanted = false;
    this.online = new Map(); // space_id -> Map(user id -> user)
    this.userSince = 0; // position in the user's own stream (mentions, read positions, spaces joined)
    this.lastClose = null;
    window.addEventListener("offline", () => this.drop("offline"));
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.wanted && this.state !== "online") this.reconnectNow();
    });
  }

  start() {
    this.wanted = true;
    if (!this.socket) this.connect();
  }

  stop() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.spaces.clear();
    this.online.clear();
    this.userSince = 0;
    this.everConnected = false;
    if (this.socket) this.socket.close(1000);
    this.socket = null;
    this.setState("idle");
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (!navigator.onLine) {
      this.setState("offline");
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let socket;
    try {
      const resume = this.userSince ? `?notifications_since=${this.userSince}` : "";
      socket = new WebSocket(`${scheme}://${location.host}/ws${resume}`);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    this.setState("connecting");
    this.userLive = false;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.retries = 0;
      this.everConnected = true;
      for (const [spaceId, entry] of this.spaces) this.sendSubscribe(spaceId, entry);
      this.heartbeat();
      this.setState("online");
    });
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return;
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      this.receive(frame);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      this.lastClose = event.code;
      if (!this.wanted) return;
      this.closed(event.code);
    });
  }

  /** What a close code asks of a client (docs/realtime.md, "Close codes"). */
  closed(code) {
    if (code === 4401 || code === 4403) {
      // Not signed in (or the cookie came from elsewhere): reconnecting cannot help.
      this.wanted = false;
      this.setState("idle");
      this.unauthorizedHandlers.forEach((handler) => handler(code));
      return;
    }
    this.setState(navigator.onLine ? "connecting" : "offline");
    if (code === 1012) {
      // The server is restarting or deploying: another node takes us at once; resume from our positions.
      this.retries = 0;
      this.scheduleRetry(100 + Math.random() * 400);
      return;
    }
    if (code === 1008) this.userSince = 0; // a refused notifications_since: start the user stream afresh
    // 4008 (too slow), 1011, 1006 and every other abnormal close: jittered backoff, then resume.
    this.scheduleRetry();
  }

  drop(state) {
    const socket = this.socket;
    this.socket = null;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    if (socket) socket.close();
    this.setState(state);
  }

  reconnectNow() {
    if (!this.wanted) return;
    this.retries = 0;
    if (this.socket && this.state === "online") return;
    if (this.socket) this.drop("connecting");
    this.connect();
  }

  scheduleRetry(fixed) {
    clearTimeout(this.retryTimer);
    // Exponential backoff with "equal jitter": half the step, plus a random share of the other half,
    // so a node's sockets do not all come back in the same instant.
    const step = Math.min(15_000, 500 * 2 ** this.retries);
    const delay = fixed ?? step / 2 + Math.random() * (step / 2);
    this.retries += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  heartbeat() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.send({ type: "ping" });
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.reconnectAfterSilence(), PONG_WITHIN);
    }, PING_EVERY);
  }

  reconnectAfterSilence() {
    this.drop("connecting");
    this.scheduleRetry();
  }

  setState(state) {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.statusHandlers.forEach((handler) => handler(state, previous));
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  sendSubscribe(spaceId, entry) {
    entry.live = false;
    const frame = { type: "subscribe", ...target(spaceId) };
    if (entry.since) frame.since = entry.since;
    this.send(frame);
  }

  receive(frame) {
    clearTimeout(this.pongTimer);
    const key = streamKey(frame);
    if (frame.type === "event") {
      if (key == null) {
        if (this.userSince && frame.id <= this.userSince) return;
        this.userSince = frame.id;
        this.userHandlers.forEach((handler) => handler(frame));
        return;
      }
      const entry = this.spaces.get(key);
      if (!entry) return;
      if (entry.since && frame.id <= entry.since) return; // already seen: resumed streams may overlap
      entry.since = frame.id;
      entry.handlers.forEach((handler) => handler(frame));
    } else if (frame.type === "typing") {
      this.typingHandlers.forEach((handler) => handler(frame));
    } else if (frame.type === "presence") {
      // Kept per space, so a screen opened after the subscription still knows who is online.
      let online = this.online.get(frame.space_id);
      if (!online || frame.users) { online = new Map(); this.online.set(frame.space_id, online); }
      if (frame.users) frame.users.forEach((user) => online.set(user.id, user));
      else if (frame.user && frame.status === "online") online.set(frame.user.id, frame.user);
      else if (frame.user && frame.status === "offline") online.delete(frame.user.id);
      this.presenceHandlers.forEach((handler) => handler(frame));
    } else if (frame.type === "subscribed" && frame.notifications) {
      this.userLive = true;
      if (frame.last_id > this.userSince) this.userSince = frame.last_id;
    } else if (frame.type === "subscribed" && key != null) {
      const entry = this.spaces.get(key);
      if (entry) entry.live = true;
      if (entry && frame.last_id > entry.since) entry.since = frame.last_id;
    } else if (frame.type === "reset" && key != null) {
      // The server no longer holds the events after our position: screens refetch, then continue.
      const entry = this.spaces.get(key);
      if (!entry) return;
      entry.since = frame.last_id || entry.since;
      entry.handlers.forEach((handler) => handler({ kind: "reset", space_id: frame.space_id, data: {} }));
    } else if (frame.type === "unsubscribed" && frame.reason === "access_revoked") {
      const entry = this.spaces.get(key);
      if (entry) {
        // The server stopped this subscription: forget it, so a reconnect does not ask again.
        this.spaces.delete(key);
        entry.handlers.forEach((handler) => handler({ kind: "access.revoked", space_id: frame.space_id, data: {} }));
      }
    }
  }

  /** Follow a space's events (or a conversation's: "c<id>"); returns a function that stops following. */
  subscribe(spaceId, handler) {
    spaceId = typeof spaceId === "string" && spaceId.startsWith("c") ? spaceId : Number(spaceId);
    let entry = this.spaces.get(spaceId);
    if (!entry) {
      entry = { since: 0, handlers: new Set() };
      this.spaces.set(spaceId, entry);
      this.sendSubscribe(spaceId, entry);
    }
    entry.handlers.add(handler);
    return () => {
      entry.handlers.delete(handler);
      if (entry.handlers.size === 0) {
        this.spaces.delete(spaceId);
        this.online.delete(spaceId);
        this.send({ type: "unsubscribe", ...target(spaceId) });
      }
    };
  }

  /** Who is online in a space, as last announced. */
  presence(spaceId) {
    return [...(this.online.get(Number(spaceId)) || new Map()).values()];
  }

  /** Online, and every subscription's replay is done: from here on, events arrive live. */
  settled() {
    return this.state === "online" && this.userLive && [...this.spaces.values()].every((entry) => entry.live);
  }

  typing(threadId) {
    this.send({ type: "typing", thread_id: threadId });
  }

  on(kind, handler) {
    const sets = { typing: this.typingHandlers, presence: this.presenceHandlers, user: this.userHandlers,
      status: this.statusHandlers, unauthorized: this.unauthorizedHandlers };
    sets[kind].add(handler);
    return () => sets[kind].delete(handler);
  }
}

// A conversation is a stream like a space (issue 15): its frames carry conversation_id instead.
function target(key) {
  return typeof key === "string" ? { conversation_id: Number(key.slice(1)) } : { space_id: key };
}

function streamKey(frame) {
  if (frame.conversation_id != null) return `c${frame.conversation_id}`;
  return frame.space_id == null ? null : frame.space_id;
}

export const live = new Live();
