// The web chat page. Every text from the person or the assistant goes into the page as
// text nodes (textContent), never as HTML; links are made only from http(s) addresses.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("chat-config").textContent);
  const log = document.getElementById("log");
  const status = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  // A language picked on the page is sent once, as an explicit choice; afterwards the
  // assistant keeps it (and may switch if the person writes in another language).
  let explicitLanguage = config.explicit ? config.language : null;
  let busy = false;

  function appendText(parent, text) {
    const urlPattern = /https?:\/\/[^\s<>"']+/g;
    let last = 0;
    for (const match of text.matchAll(urlPattern)) {
      parent.append(document.createTextNode(text.slice(last, match.index)));
      const link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      parent.append(link);
      last = match.index + match[0].length;
    }
    parent.append(document.createTextNode(text.slice(last)));
  }

  function addMessage(sender, text, buttons) {
    const item = document.createElement("li");
    item.className = "message " + sender;
    const speaker = document.createElement("span");
    speaker.className = "speaker";
    speaker.textContent = (sender === "person" ? config.labels.you : config.labels.bot) + ":";
    const body = document.createElement("p");
    body.className = "text";
    body.dir = "auto";
    appendText(body, text);
    item.append(speaker, body);
    if (buttons && buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons";
      group.setAttribute("role", "group");
      for (const button of buttons) {
        const element = document.createElement("button");
        element.type = "button";
        element.className = "choice";
        element.dir = "auto";
        element.textContent = button.title;
        element.dataset.payload = button.payload;
        element.addEventListener("click", () => choose(group, element, button));
        group.append(element);
      }
      item.append(group);
    }
    log.append(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function addNotice(text) {
    const item = addMessage("notice", text);
    item.setAttribute("role", "alert");
  }

  function retireButtons() {
    for (const button of log.querySelectorAll("button.choice")) button.disabled = true;
  }

  function choose(group, element, button) {
    if (busy) return;
    element.setAttribute("aria-pressed", "true");
    send(button.payload, button.title, null).then(() => input.focus());
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    status.textContent = value ? config.labels.waiting : "";
  }

  async function send(text, shown, typed) {
    retireButtons();
    addMessage("person", shown);
    setBusy(true);
    const body = { text: text, language_hint: config.language };
    if (explicitLanguage) body.language = explicitLanguage;
    try {
      const response = await fetch(config.messagesUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body),
      });
      const reply = await response.json();
      if (!response.ok || !reply.accepted) {
        addNotice(reply.notice || config.labels.offline);
        if (typed !== null) input.value = typed;
        return;
      }
      explicitLanguage = null;
      for (const message of reply.messages) addMessage("bot", message.text, message.buttons);
    } catch (error) {
      addNotice(config.labels.offline);
      if (typed !== null) input.value = typed;
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = input.value;
    const text = typed.trim();
    if (!text || busy) return;
    if (text.length > config.maxChars) {
      addNotice(config.labels.tooLong);
      return;
    }
    input.value = "";
    send(text, text, typed);
  });

  // Enter sends, Shift+Enter makes a new line (as in most chat apps).
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  async function loadHistory() {
    try {
      const response = await fetch(config.messagesUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (!response.ok) return;
      const transcript = await response.json();
      transcript.messages.forEach((message, index) => {
        const isLast = index === transcript.messages.length - 1;
        addMessage(message.sender, message.text, isLast ? message.buttons : []);
      });
    } catch (error) {
      // Without a history the chat still works; the first answer shows whether Rasa is there.
    }
  }

  loadHistory().finally(() => document.body.setAttribute("data-ready", "true"));
})();
