// The live events of `GET /v1/events` (Server-Sent Events), with the session cookie. EventSource reconnects by
// itself after a dropped connection; when the server refused the stream (it closed), this opens a new one after
// a growing pause. No polling: the page changes when an event says so.

const kinds = [
  "message", "message.recalled", "smart-replies", "session.queued", "session.assigned", "session.transferred",
  "session.ended", "session.offline", "alarm", "agent.status", "leave-message",
];

export class LiveEvents {
  /** onEvent(kind, data); onStatus("live" | "reconnecting"); onReconnected() after a gap (the page reloads). */
  constructor({ onEvent, onStatus, onReconnected }) {
    Object.assign(this, { onEvent, onStatus, onReconnected });
    this.source = null;
    this.pause = 1000;
    this.hadGap = false;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.source?.close();
    this.source = null;
    clearTimeout(this.timer);
  }

  connect() {
    const source = new EventSource("/v1/events", { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.pause = 1000;
      this.onStatus("live");
      if (this.hadGap) this.onReconnected();
      this.hadGap = false;
    };
    source.onerror = () => {
      this.hadGap = true;
      this.onStatus("reconnecting");
      if (source.readyState === EventSource.CLOSED && !this.stopped) {
        this.timer = setTimeout(() => this.connect(), this.pause);
        this.pause = Math.min(this.pause * 2, 30000);
      }
    };
    for (const kind of kinds) {
      source.addEventListener(kind, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        this.onEvent(kind, data);
      });
    }
  }
}
