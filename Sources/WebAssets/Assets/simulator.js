// The demo's customer: opens a conversation on a channel under a name, sends messages, and shows what the
// agent sends back (the customer's view: recalled messages disappear). It plays the channel gateway through
// the demo-only /demo routes; each window is one customer.

const $ = (id) => document.getElementById(id);
let session = null;
let shown = "";

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(json?.error?.message ?? `HTTP ${response.status}`);
  return json;
}

function render(messages) {
  // Redrawn only when something changed, so that reading or selecting text is not disturbed.
  const key = JSON.stringify(messages.map((message) => [message.id, message.body]));
  if (key === shown) return;
  shown = key;
  const thread = $("thread");
  thread.replaceChildren(
    ...messages.map((message) => {
      const item = document.createElement("li");
      item.className = message.sender === "customer" ? "mine" : message.sender === "system" ? "system" : "agent";
      item.dataset.sender = message.sender;
      item.textContent = message.body;
      return item;
    }),
  );
  thread.scrollTop = thread.scrollHeight;
}

async function poll() {
  if (!session) return;
  try {
    render((await call("GET", `/demo/sessions/${session}/messages`)).messages);
  } catch (error) {
    $("error").textContent = error.message;
  }
  setTimeout(poll, 700);
}

$("start").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const opened = await call("POST", "/demo/sessions", {
      name: form.elements.name.value,
      channel: form.elements.channel.value,
      group: form.elements.group.value.trim() || undefined,
    });
    session = opened.session;
    $("chat-title").textContent = `${form.elements.name.value} · ${form.elements.channel.value} · #${session}`;
    $("start").hidden = true;
    $("chat").hidden = false;
    document.querySelector("#say input").focus();
    poll();
  } catch (error) {
    $("error").textContent = error.message;
  }
});

$("say").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  const text = input.value.trim();
  if (!text) return;
  try {
    await call("POST", `/demo/sessions/${session}/messages`, { body: text });
    input.value = "";
    $("error").textContent = "";
    render((await call("GET", `/demo/sessions/${session}/messages`)).messages);
  } catch (error) {
    $("error").textContent = error.message;
  }
});

$("new-window").addEventListener("click", () => window.open("/simulator", "_blank", "width=460,height=760"));
