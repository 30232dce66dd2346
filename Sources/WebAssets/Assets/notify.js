// A short tone and a count in the tab's title for new customer messages and alarms, when the agent wants them
// (the switch is remembered in this browser). The tone is synthesised: no sound file to fetch.

export class Notifier {
  constructor(baseTitle) {
    this.baseTitle = baseTitle;
    this.unread = 0;
    this.enabled = localStorage.getItem("replykit.sound") !== "off";
    this.context = null;
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.clear();
    });
    window.addEventListener("focus", () => this.clear());
    // Browsers let a page make sound only after the person acted on it: the audio starts with the first key or click.
    const unlock = () => {
      this.context ??= new AudioContext();
    };
    document.addEventListener("keydown", unlock, { once: true });
    document.addEventListener("pointerdown", unlock, { once: true });
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    localStorage.setItem("replykit.sound", enabled ? "on" : "off");
  }

  /** A new message or an alarm: the badge counts it; the tone plays when switched on. */
  notify(label) {
    this.unread += 1;
    document.title = `(${this.unread}) ${label ?? this.baseTitle}`;
    if (!this.enabled || !this.context) return;
    try {
      const oscillator = this.context.createOscillator();
      const gain = this.context.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, this.context.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, this.context.currentTime + 0.25);
      oscillator.connect(gain).connect(this.context.destination);
      oscillator.start();
      oscillator.stop(this.context.currentTime + 0.25);
    } catch {
      // No audio output (a headless browser, a policy): the title badge still says it.
    }
  }

  clear() {
    this.unread = 0;
    document.title = this.baseTitle;
  }
}
