// The workbench page: signs the agent in (the browser then holds only an HttpOnly session cookie), then ties the
// parts together: session groups and lists, the conversation, the reply box, the sidebar, history, live events.

import { api, setCsrfToken, ApiError } from "./api.js";
import { t, translate, setLanguage, currentLanguage } from "./i18n.js";
import { LiveEvents } from "./events.js";
import { Notifier } from "./notify.js";
import { SessionLists } from "./sessions.js";
import { Conversation } from "./conversation.js";
import { Composer } from "./composer.js";
import { Sidebar } from "./sidebar.js";
import { HistorySearch } from "./history.js";

const $ = (id) => document.getElementById(id);
let me = null;
let parts = null;
/** Agent id -> name, from the team list: messages and events show names. */
const agentNames = new Map();
/** Keystroke-to-suggestions-rendered times, for the browser test and anyone curious (ms). */
window.replykitMetrics = { suggest: [] };

function toast(text) {
  const element = $("toast");
  element.textContent = text;
  element.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => element.classList.remove("shown"), 4000);
}

function describe(item) {
  const source = { quick: t("sourceQuick"), bot: t("sourceBot"), internal: t("sourceInternal") }[item.source] ?? item.source;
  const scopeText = String(item.scope ?? "company");
  let scope = t("scopeCompany");
  if (scopeText.startsWith("group:")) scope = t("scopeGroup", { name: scopeText.slice(6) });
  if (scopeText.startsWith("personal:")) scope = t("scopePersonal");
  return { source, scope };
}

function showSignIn() {
  $("workbench").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-form").elements.agent.focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const byKey = !$("key-fields").hidden;
  const body = byKey
    ? { key: form.elements.key.value.trim() }
    : { tenant: form.elements.tenant.value.trim() || "default", agent: form.elements.agent.value.trim(), password: form.elements.password.value };
  try {
    const answer = await api("POST", "/v1/sign-in", body);
    form.elements.password.value = "";
    form.elements.key.value = "";
    $("sign-in-error").textContent = "";
    await start(answer);
  } catch (error) {
    $("sign-in-error").textContent = error instanceof ApiError && error.status === 401 ? t("signInFailed") : t("error", { message: error.message });
  }
}

async function start(identity) {
  me = identity;
  setCsrfToken(me.csrfToken);
  $("sign-in").hidden = true;
  $("workbench").hidden = false;
  $("me").textContent = `${me.name ?? me.agent ?? "admin"} · ${me.tenant}`;
  if (!parts) parts = build();
  const { lists, events, sidebar } = parts;
  $("suggest-as-you-type").checked = localStorage.getItem(asYouTypeKey()) === "on";
  sidebar.build();
  parts.conversation.render();
  lists.translate();
  await lists.loadAll();
  await loadTeam();
  events.start();
}

function asYouTypeKey() {
  return `replykit.asYouType.${me.tenant}.${me.agent ?? "admin"}`;
}

async function loadTeam() {
  const team = (await api("GET", "/v1/agents/status")).agents;
  for (const agent of team) if (agent.name) agentNames.set(agent.agent, agent.name);
  parts.conversation.render();
  parts.lists.setSkillGroups([...new Set(team.flatMap((agent) => agent.groups ?? []))].sort());
  const mine = team.find((agent) => agent.agent === me.agent);
  if (mine) $("my-status").value = mine.status;
  $("my-status").disabled = !me.agent;
  return team;
}

function build() {
  const notifier = new Notifier(document.title);
  let conversation;
  const composer = new Composer({
    textarea: $("reply"),
    sendButton: $("send"),
    warning: $("composer-warning"),
    status: $("suggest-status"),
    container: $("reply").parentElement,
    getSession: () => conversation.session,
    asYouType: () => $("suggest-as-you-type").checked,
    describe,
    metrics: window.replykitMetrics.suggest,
    onSent: async () => {
      await conversation.reload();
      lists.refreshSoon();
    },
  });
  const lists = new SessionLists({
    groupsElement: $("session-groups"),
    listElement: $("session-list"),
    heading: $("session-list-heading"),
    sortSelect: $("sort"),
    channelSelect: $("channel-filter"),
    groupSelect: $("group-filter"),
    onOpen: (id) => openSession(id),
  });
  const sidebar = new Sidebar({
    tablist: $("sidebar-tabs"),
    panels: $("sidebar-panels"),
    getSession: () => conversation.session,
    me: () => me,
    describe,
    toast,
    use: (item, meta) => {
      if (!conversation.session || $("composer").hidden) return;
      composer.insert(item, meta);
    },
    openSession: (id) => openSession(id),
    onChanged: () => conversation.reload().then(() => lists.refreshSoon()),
  });
  conversation = new Conversation({
    header: $("conversation-header"),
    messages: $("messages"),
    composer: $("composer"),
    me: () => me,
    nameOf: (agent) => agentNames.get(agent) ?? agent,
    toast,
    transferDialog: $("transfer-dialog"),
    team: async () => (await api("GET", "/v1/agents/status")).agents,
    onChanged: () => {
      lists.refreshSoon();
      sidebar.sessionChanged();
    },
  });
  const history = new HistorySearch({
    dialog: $("history-dialog"),
    form: $("history-form"),
    results: $("history-results"),
    closeButton: $("close-history"),
    openSession: (id) => openSession(id),
    toast,
  });
  const events = new LiveEvents({
    onStatus: (status) => {
      $("live-status").textContent = status === "live" ? `● ${t("live")}` : t("reconnecting");
      $("live-status").dataset.status = status;
    },
    onReconnected: () => {
      lists.refreshSoon();
      conversation.reload();
    },
    onEvent: async (kind, data) => {
      if (kind === "agent.status") {
        if (data.agent === me.agent) $("my-status").value = data.status;
        return;
      }
      if (kind === "message" && data.message?.sender === "customer") notifier.notify(t("newMessages", { count: notifier.unread + 1 }));
      if (kind === "alarm") notifier.notify(t("alarm"));
      if (kind === "smart-replies" && data.session === conversation.id) {
        const message = conversation.session.messages?.find((candidate) => candidate.id === data.message);
        if (message) sidebar.smartRepliesArrived(message, data.smartReplies);
        return;
      }
      lists.refreshSoon();
      const concerned = await conversation.onEvent(kind, data);
      if (concerned && kind !== "message") sidebar.sessionChanged();
      if (concerned && kind === "message" && data.message?.sender === "customer") sidebar.sessionChanged();
    },
  });

  async function openSession(id) {
    try {
      await conversation.open(id);
      lists.markOpen(id);
      composer.reset();
      sidebar.sessionChanged();
      if (!$("composer").hidden) $("reply").focus();
    } catch (error) {
      toast(t("error", { message: error.message }));
    }
  }

  $("open-history").addEventListener("click", () => history.open());
  $("my-status").addEventListener("change", async (event) => {
    try {
      await api("PUT", "/v1/agents/me/status", { status: event.target.value });
    } catch (error) {
      toast(t("error", { message: error.message }));
    }
  });
  $("suggest-as-you-type").addEventListener("change", (event) => localStorage.setItem(asYouTypeKey(), event.target.checked ? "on" : "off"));
  $("sound-switch").checked = notifier.enabled;
  $("sound-switch").addEventListener("change", (event) => notifier.setEnabled(event.target.checked));
  $("sign-out").addEventListener("click", async () => {
    events.stop();
    try {
      await api("POST", "/v1/sign-out");
    } finally {
      location.reload();
    }
  });
  return { lists, conversation, composer, sidebar, events, history, notifier };
}

function switchLanguage() {
  setLanguage(currentLanguage() === "zh-Hans" ? "en" : "zh-Hans");
  if (parts && me) {
    parts.lists.translate();
    parts.sidebar.translate();
    parts.conversation.render();
  }
}

async function boot() {
  translate(document);
  for (const button of document.querySelectorAll(".language-switch")) button.addEventListener("click", switchLanguage);
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-in-mode").addEventListener("click", () => {
    const byKey = $("key-fields").hidden;
    $("key-fields").hidden = !byKey;
    $("password-fields").hidden = byKey;
    $("sign-in-mode").dataset.i18n = byKey ? "usePassword" : "useKey";
    $("sign-in-mode").textContent = t($("sign-in-mode").dataset.i18n);
  });
  window.addEventListener("replykit:signed-out", () => {
    parts?.events.stop();
    showSignIn();
  });
  try {
    const state = await api("GET", "/v1/sign-in");
    if (state.signedIn) await start(state.me);
    else showSignIn();
  } catch (error) {
    toast(t("error", { message: error.message }));
  }
}

boot();
