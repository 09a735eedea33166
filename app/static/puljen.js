/* Puljen's small helpers on top of htmx: drafts that survive reloads and reconnects,
   the ballot counter, timers, connection state, and errors for a person. No framework. */
(function () {
  "use strict";
  var store = window.localStorage;

  /* A member's drafts are theirs: keyed by member too, so the next person on a shared phone
     never gets the previous one's ticks or half-typed proposal. */
  var DRAFT = "puljen:draft:";
  function memberId() {
    var main = document.querySelector("[data-member]");
    return main ? main.getAttribute("data-member") : "";
  }
  function draftKey(form) {
    var member = memberId();
    return DRAFT + (member ? member + ":" : "") + form.getAttribute("data-draft");
  }

  function saveDraft(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + ":" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    try { store.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* full or private */ }
  }

  function restoreDraft(form) {
    if (form.hasAttribute("data-draft-sent")) {
      form.removeAttribute("data-draft-sent");
      clearDraft(form);
      return;
    }
    var raw = null;
    try { raw = store.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw) return;
    var data = JSON.parse(raw);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox" || el.type === "radio") {
        var k = el.name + ":" + el.value;
        if (k in data) el.checked = data[k];
      } else if (el.name in data && !el.value) {
        el.value = data[el.name];
      }
    });
    updatePicked();
  }

  function clearDraft(form) {
    try { store.removeItem(draftKey(form)); } catch (e) { /* ignore */ }
  }

  function updatePicked() {
    var form = document.getElementById("ballot-form");
    if (!form) return;
    var out = document.getElementById("picked");
    var checked = form.querySelectorAll("input.approve:checked");
    if (out) out.textContent = checked.length;
    /* Knapsack: the running total against the budget; the button says no when it is over. */
    var total = document.getElementById("picked-total");
    if (total) {
      var sum = 0;
      checked.forEach(function (el) { sum += parseInt(el.getAttribute("data-cost"), 10) || 0; });
      var budget = parseInt(total.getAttribute("data-budget"), 10);
      total.textContent = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "da-DK",
        { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(sum / 100);
      total.classList.toggle("over", sum > budget);
      form.querySelector("button[type=submit]").disabled = sum > budget;
    }
    /* Cumulative: points left of the allowance. */
    var left = document.getElementById("points-left");
    if (left) {
      var used = 0;
      form.querySelectorAll("input.points").forEach(function (el) { used += parseInt(el.value, 10) || 0; });
      var remaining = parseInt(left.getAttribute("data-allowance"), 10) - used;
      left.textContent = remaining;
      left.classList.toggle("over", remaining < 0);
      form.querySelector("button[type=submit]").disabled = remaining < 0;
    }
  }

  /* The new-round form: show only the chosen method's settings (all show without JS). */
  function showMethodParams() {
    var select = document.getElementById("r-method");
    if (!select) return;
    document.querySelectorAll("fieldset.method-params").forEach(function (box) {
      box.hidden = box.getAttribute("data-method") !== select.value;
    });
  }

  function restoreAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var forms = Array.prototype.slice.call(scope.querySelectorAll("form[data-draft]"));
    if (scope.matches && scope.matches("form[data-draft]")) forms.push(scope);  // swapped itself
    forms.forEach(restoreDraft);
    fillKeys(scope);
    updatePicked();
    tickTimers();
    showMethodParams();
  }

  document.addEventListener("input", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-draft")) saveDraft(form);
    if (form && form.id === "ballot-form") updatePicked();
  });
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-draft")) saveDraft(form);
    if (e.target.form && e.target.form.id === "ballot-form") updatePicked();
    if (e.target.id === "r-method") showMethodParams();
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful) hideError();
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !e.detail.successful) return;
    /* 204: taken as it was (a comment, a new round). A proposal form answers with itself:
       with data-draft-sent when it was taken, with the reasons when it was not. */
    if (e.detail.xhr.status === 204) {
      if (form.hasAttribute("data-draft")) clearDraft(form);
      if (form.hasAttribute("data-reset-on-success")) { form.reset(); showMethodParams(); }
    }
  });

  function hideError() {
    var box = document.getElementById("page-error");
    if (box) box.hidden = true;
  }

  /* A server error becomes a sentence on the page, not a silent failure. */
  document.addEventListener("htmx:responseError", function (e) {
    var message = document.body.getAttribute("data-error-text") || "";
    try { message = JSON.parse(e.detail.xhr.responseText).error.message; } catch (err) { /* keep */ }
    showError(message);
  });
  function showError(message) {
    var box = document.getElementById("page-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "page-error";
      box.className = "error toast";
      box.setAttribute("role", "alert");
      box.innerHTML = "<p></p><button type='button'>OK</button>";
      box.querySelector("button").addEventListener("click", hideError);
      document.body.appendChild(box);
    }
    box.hidden = false;
    box.querySelector("p").textContent = message;
  }
  document.addEventListener("htmx:sendError", function () {
    document.body.classList.add("offline");
  });

  /* Live connection. The server sends something at least every 15 s; a socket that has been
     silent for 40 s, or a phone that comes back online, is replaced by a fresh one, which
     gets the current state on connect. A removed member or an expired login is sent away. */
  var live = { socket: null, wrapper: null, lastHeard: Date.now() };

  function reconnect() {
    if (!live.wrapper || !live.socket) return;
    var old = live.socket;
    old.onclose = null;
    old.onmessage = null;
    old.onerror = null;
    try { old.close(); } catch (e) { /* already gone */ }
    live.socket = null;
    live.wrapper.reconnect();
  }

  document.addEventListener("htmx:wsOpen", function (e) {
    live.wrapper = e.detail.socketWrapper;
    live.lastHeard = Date.now();
    document.body.classList.remove("offline");
  });
  document.addEventListener("htmx:wsBeforeMessage", function () { live.lastHeard = Date.now(); });
  setInterval(function () {
    if (live.socket && live.socket.readyState === 1 && Date.now() - live.lastHeard > 40000) {
      document.body.classList.add("offline");
      reconnect();
    }
  }, 5000);
  window.addEventListener("offline", function () { document.body.classList.add("offline"); });
  window.addEventListener("online", reconnect);
  document.addEventListener("htmx:wsClose", function (e) {
    var code = e.detail.event && e.detail.event.code;
    var main = document.querySelector("[data-gone-url]");
    if ((code === 4401 || code === 4403) && main) {
      window.location.assign(main.getAttribute("data-gone-url"));
      return;
    }
    document.body.classList.add("offline");
  });

  /* Timers count down on every page that shows one; at zero a timer says it is done (its
     data-done-text) and its stop button goes, as nothing runs any more. */
  function tickTimers() {
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.getAttribute("data-ends-at")) - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      var done = left === 0;
      el.textContent = done && el.getAttribute("data-done-text") ? el.getAttribute("data-done-text")
        : m + ":" + (s < 10 ? "0" : "") + s;
      el.classList.toggle("done", done);
      var stop = el.parentNode && el.parentNode.querySelector("[data-timer-stop]");
      if (stop) stop.hidden = done;
    });
  }
  setInterval(tickTimers, 1000);

  /* The shared screen: a round that closes while the screen watches it reveals its result
     (screen.css animates under body.reveal; a page opened later just shows it).
     A push during the reveal redraws the screen: the new one carries on where it was
     (--reveal-elapsed shifts the animations back), it does not start over. */
  var watched = null, revealed = null;
  var REVEAL_MS = 30000;
  function revealOnClose() {
    var screen = document.getElementById("screen");
    if (!screen) return;
    var now = { round: screen.getAttribute("data-round"), phase: screen.getAttribute("data-phase") };
    if (watched && now.phase === "closed" && watched.round === now.round && watched.phase !== "closed") {
      revealed = { round: now.round, at: Date.now() };
    }
    watched = now;
    /* On the body: htmx settles the swapped element's own class and style back to the
       server's. */
    var on = !!revealed && revealed.round === now.round && now.phase === "closed" &&
      Date.now() - revealed.at < REVEAL_MS;
    document.body.classList.toggle("reveal", on);
    document.body.style.setProperty("--reveal-elapsed", on ? (Date.now() - revealed.at) / 1000 + "s" : "0s");
  }

  document.addEventListener("htmx:load", function (e) { restoreAll(e.detail.elt); });
  /* The socket's message carries many fragments (one htmx:oobAfterSwap each): the
     whole-document work runs once per message, after all of them are in. */
  document.addEventListener("htmx:wsAfterMessage", function () {
    restoreAll(document);
    revealOnClose();
  });
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    /* Say the new phase once, in a live region that is never itself swapped. */
    var target = e.detail.target;
    var announce = document.getElementById("announce");
    if (target && target.id === "status" && announce) {
      var status = document.getElementById("status");
      var pill = status && status.querySelector(".pill");
      var said = pill ? pill.textContent : "";
      if (said && announce.getAttribute("data-said") !== said) {
        announce.setAttribute("data-said", said);
        announce.textContent = said;
      }
    }
  });

  /* A plain form with data-confirm asks first, with its numbers (completing a decision). */
  document.addEventListener("submit", function (e) {
    var question = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });

  /* Leaving on a shared phone: forget this member's drafts (and those of before drafts had
     a member in their key) and what waits in their outbox. */
  document.addEventListener("submit", function (e) {
    if (e.target.id !== "leave-form") return;
    var member = memberId();
    try {
      Object.keys(store).forEach(function (k) {
        if (k.indexOf(DRAFT) !== 0) return;
        var rest = k.slice(DRAFT.length);
        if (rest.indexOf(":") < 0 || (member && rest.indexOf(member + ":") === 0)) store.removeItem(k);
      });
    } catch (err) { /* ignore */ }
    if (!member) return;
    var box = outboxRead();
    Object.keys(box).forEach(function (id) { if (box[id].member === member) delete box[id]; });
    outboxWrite(box);
  });

  /* ---- Outbox (issue 10, point 3): a ballot, proposal or comment whose request could not
     reach the server (offline, the connection broke, the server was in trouble) is kept in
     localStorage, shown as "not sent yet" next to its button, and sent by itself: when the
     connection returns (online, socket reopened, page loaded) and, while online, again and
     again with a growing pause (at most RETRY_MAX_MS) until the server has taken it. "Sent"
     only when the server answered. One entry per form and member: a newer tap replaces the
     older one. Ballots replace on the server; proposals and comments carry the page's
     idempotency key, so a resend of one the server already has (its answer was lost) is
     not stored twice, and an edited resend under the same key is refused in words (409).
     Order: each entry is read again just before it is sent; a form whose own request runs
     is not flushed; a tap waits for this tab's resend of the same form; flushes of all tabs
     take turns (navigator.locks), so an older body never arrives after a newer one. ---- */
  var OUTBOX = "puljen:outbox";
  var RETRY_MAX_MS = 30000;
  var SEND_MS = 20000;
  var flushing = false;
  var sending = {};  // outbox id -> settles when this tab's resend of it was answered
  var retry = { timer: null, tries: 0 };
  /* This tab (kept over a reload of the tab, new for a new tab): only the tab whose send
     waits shows "not sent yet" and holds its form against live pushes. */
  var TAB = (function () {
    try {
      var id = window.sessionStorage.getItem("puljen:tab");
      if (!id) { id = newKey(); window.sessionStorage.setItem("puljen:tab", id); }
      return id;
    } catch (e) { return newKey(); }
  })();

  function outboxRead() {
    try { return JSON.parse(store.getItem(OUTBOX) || "{}") || {}; } catch (e) { return {}; }
  }
  function outboxWrite(box) {
    try { store.setItem(OUTBOX, JSON.stringify(box)); } catch (e) { /* full or private */ }
  }
  function outboxable(form) {
    return form instanceof HTMLFormElement && form.hasAttribute("data-draft") &&
      form.hasAttribute("hx-post") && memberId() !== "";
  }
  function outboxId(form) { return memberId() + ":" + form.getAttribute("data-draft"); }
  function entryOf(form) { return (outboxable(form) && outboxRead()[outboxId(form)]) || null; }
  /* Only this tab's own waiting send holds the form; the member's other tabs follow the
     live stream (issue 10, point 4). */
  function pendingHere(form) { var entry = entryOf(form); return !!entry && entry.tab === TAB; }
  function mineWaiting() {
    var box = outboxRead(), me = memberId();
    return !!me && Object.keys(box).some(function (id) { return box[id].member === me; });
  }
  function keep(form, body) {
    var box = outboxRead();
    box[outboxId(form)] = {
      url: form.getAttribute("hx-post"), body: body, member: memberId(),
      form: form.getAttribute("data-draft"), tab: TAB
    };
    outboxWrite(box);
    note(form, waitText(), "wait");
  }
  function drop(form) {
    var box = outboxRead();
    if (outboxId(form) in box) { delete box[outboxId(form)]; outboxWrite(box); }
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function fillKeys(scope) {
    (scope || document).querySelectorAll("input[data-idempotency]").forEach(function (el) {
      if (!el.value) el.value = newKey();
    });
  }
  function freshKey(form) {
    form.querySelectorAll("input[data-idempotency]").forEach(function (el) { el.value = newKey(); });
  }
  /* What a form would send, without its key: "the same as what waited for it?" */
  function withoutKey(body) {
    var params = new URLSearchParams(body);
    params.delete("idempotency_key");
    params.sort();
    return params.toString();
  }
  function bodyOf(form) { return new URLSearchParams(new FormData(form)).toString(); }

  /* kind: "wait" (not sent yet), "sent", "error" (the server's reason, in words). */
  function note(form, text, kind) {
    if (form.id === "ballot-form") {
      var state = document.getElementById("ballot-state");
      if (state && kind === "wait") { state.className = "ballot-state pending"; state.textContent = text; }
      return;
    }
    var out = form.querySelector(".outbox-note");
    if (!text) { if (out) out.remove(); return; }
    if (!out) {
      out = document.createElement("p");
      out.className = "outbox-note";
      out.setAttribute("role", "status");
      var button = form.querySelector("button[type=submit]");
      if (button && button.nextSibling) form.insertBefore(out, button.nextSibling); else form.appendChild(out);
    }
    out.classList.toggle("sent", kind === "sent");
    out.classList.toggle("error", kind === "error");
    out.setAttribute("data-kind", kind);
    out.setAttribute("role", kind === "error" ? "alert" : "status");
    out.textContent = text;
  }
  function unsentText() { return document.body.getAttribute("data-unsent-text") || ""; }
  function sentText() { return document.body.getAttribute("data-sent-text") || ""; }
  /* Offline: it goes when the phone is back online. Online (the server was in trouble, or
     the answer got lost): it is tried again by itself in a moment. */
  function waitText() {
    if (navigator.onLine === false) return unsentText();
    return document.body.getAttribute("data-retry-text") || unsentText();
  }

  /* The notes of this tab's waiting sends; a note whose send another tab made goes. */
  function showPending() {
    var box = outboxRead();
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (!outboxable(form)) return;
      var entry = box[outboxId(form)];
      if (entry && entry.tab === TAB) { note(form, waitText(), "wait"); return; }
      var out = form.querySelector(".outbox-note[data-kind=wait]");
      if (out && !entry) out.remove();
    });
  }

  /* A tap on a form whose older send this tab is resending right now waits for that answer,
     so the newer one is the last to arrive. */
  document.addEventListener("htmx:confirm", function (e) {
    var form = e.detail.elt;
    if (!outboxable(form)) return;
    var under = sending[outboxId(form)];
    if (!under) return;
    e.preventDefault();
    under.then(function () { e.detail.issueRequest(true); });
  });
  /* A new tap replaces what waited for this form: it is what the member wants now. */
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (!outboxable(form)) return;
    form._outboxBody = bodyOf(form);
    form._outboxBusy = true;
    drop(form);
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt;
    if (!outboxable(form) || form._outboxBody === undefined) return;
    keep(form, form._outboxBody);
    if (navigator.onLine !== false) scheduleRetry();
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (form instanceof HTMLFormElement) form._outboxBusy = false;
    if (!e.detail.xhr || e.detail.xhr.status === 0) return;
    document.body.classList.remove("offline");  // an answer came: the connection works
    if (!outboxable(form)) return;
    var status = e.detail.xhr.status;
    if (status >= 500 || status === 429) return;  // kept (htmx:responseError below)
    /* The server answered this form: whatever was waiting for it is replaced by this. */
    drop(form);
    if (e.detail.successful) {
      delete form.dataset.dirty;
      if (form.id !== "ballot-form" && form.querySelector(".outbox-note")) note(form, sentText(), "sent");
      if (status === 204) freshKey(form);
    }
  });
  /* The server could not take it now: keep it and try again. It said no in words (e.g. an
     edited resend under an old key): say it at the form; a new key lets the member send
     what is typed now as a new one. */
  document.addEventListener("htmx:responseError", function (e) {
    var form = e.detail.elt;
    if (!outboxable(form)) return;
    var status = e.detail.xhr.status;
    if (status >= 500 || status === 429) {
      keep(form, form._outboxBody);
      hideError();
      scheduleRetry();
      return;
    }
    refused(form, status, e.detail.xhr.responseText);
    hideError();  // said at the form, not twice
  });
  function refused(form, status, text) {
    var message = document.body.getAttribute("data-error-text") || "";
    var code = "";
    try {
      var error = JSON.parse(text).error;
      message = error.message;
      code = error.code;
    } catch (err) { /* keep */ }
    if (code === "already_sent") freshKey(form);
    if (form.id === "ballot-form") {
      var state = document.getElementById("ballot-state");
      if (state) {
        var span = document.createElement("span");
        span.className = "error";
        span.textContent = message;
        state.className = "ballot-state not-sent";
        state.replaceChildren(span);
      }
      return;
    }
    note(form, message, "error");
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  function parse(html) {
    var holder = document.createElement("template");
    holder.innerHTML = (html || "").trim();
    var fresh = holder.content.firstElementChild;
    if (fresh) fresh.removeAttribute("hx-swap-oob");
    return fresh;
  }
  function swapIn(id, html) {
    var old = document.getElementById(id);
    var fresh = parse(html);
    if (!old || !fresh) return;
    old.replaceWith(fresh);
    if (window.htmx) htmx.process(fresh);
    restoreAll(fresh);
  }

  function answered(entry, status, text) {
    var form = document.querySelector('form[data-draft="' + entry.form + '"]');
    if (status >= 400) {
      if (!form) {  // e.g. voting closed before it got there
        var message = document.body.getAttribute("data-error-text") || "";
        try { message = JSON.parse(text).error.message; } catch (err) { /* keep */ }
        showError(message);
        return;
      }
      note(form, "", "wait");
      refused(form, status, text);
      return;
    }
    if (!form) return;
    if (form.id === "ballot-form") { delete form.dataset.dirty; swapIn("ballot-state", text); return; }
    if (form.id === "proposal-form") {
      /* The member typed since: keep what is typed (and its draft); the answer is said. */
      if (withoutKey(bodyOf(form)) === withoutKey(entry.body)) {
        swapIn("proposal-form", text);
        focusInvalid();
        return;
      }
      var fresh = parse(text);
      if (fresh && fresh.hasAttribute("data-draft-sent")) {
        freshKey(form);
        note(form, sentText(), "sent");
      } else {
        var why = fresh && fresh.querySelector("#p-errors");
        note(form, why ? why.textContent : document.body.getAttribute("data-error-text") || "", "error");
      }
      return;
    }
    /* A comment (204): it is in; clear the box if it still holds what was sent. */
    var sent = new URLSearchParams(entry.body);
    var box = form.querySelector("textarea[name=text]");
    if (box && box.value === sent.get("text")) { form.reset(); clearDraft(form); }
    freshKey(form);
    note(form, sentText(), "sent");
  }

  function busy(name) {
    var form = document.querySelector('form[data-draft="' + name + '"]');
    return !!form && !!form._outboxBusy;
  }

  /* One pass over this member's outbox; "done", or "later" (keep it, try again). */
  function flushPass() {
    var me = memberId(), tried = {};
    var next = function () {
      var box = outboxRead();  // read again before each send: it may be gone or newer
      var id = Object.keys(box).filter(function (k) {
        return box[k].member === me && !tried[k + "\n" + box[k].body] && !busy(box[k].form);
      })[0];
      if (id === undefined) return Promise.resolve("done");
      var entry = box[id];
      tried[id + "\n" + entry.body] = true;
      /* A resend that hangs is given up after SEND_MS (and tried again later): a tap that
         waits for it must not wait for ever. */
      var stop = window.AbortController ? new AbortController() : null;
      var timer = stop && setTimeout(function () { stop.abort(); }, SEND_MS);
      var request = fetch(entry.url, {
        method: "POST", credentials: "same-origin", signal: stop ? stop.signal : undefined,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                   "X-CSRF-Token": csrfToken() },
        body: entry.body
      }).then(function (response) {
        return response.text().then(function (text) { return { status: response.status, text: text }; });
      });
      request.then(function () { clearTimeout(timer); }, function () { clearTimeout(timer); });
      var settled = request.then(function () {}, function () {});
      sending[id] = settled;
      settled.then(function () { if (sending[id] === settled) delete sending[id]; });
      return request.then(function (answer) {
        document.body.classList.remove("offline");
        /* Not taken yet (server trouble, a login to renew, too many tries): keep it. */
        if (answer.status >= 500 || answer.status === 401 || answer.status === 429) {
          return answer.status === 401 ? "login" : "later";
        }
        var now = outboxRead();
        var current = now[id] && now[id].body === entry.body;
        if (current) { delete now[id]; outboxWrite(now); }
        /* A newer send for this form is under way or waiting: its answer is the one to show. */
        if (current || !now[id]) answered(entry, answer.status, answer.text);
        return next();
      }, function () { return "later"; });
    };
    return next();
  }

  function outboxFlush() {
    if (flushing || !window.fetch || !mineWaiting()) return;
    flushing = true;
    var locks = navigator.locks;
    var run = locks && locks.request ? locks.request("puljen-outbox", function () { return flushPass(); })
      : flushPass();
    Promise.resolve(run).catch(function () { return "later"; }).then(function (how) {
      flushing = false;
      if (how === "done") retry.tries = 0;
      showPending();
      if (how === "later" && navigator.onLine !== false) scheduleRetry();
    });
  }
  /* While online and something of this member's waits, try again: 2 s, 4 s, 8 s … at most
     RETRY_MAX_MS apart (the note says it is tried again by itself). */
  function scheduleRetry() {
    if (retry.timer || !mineWaiting()) return;
    var delay = Math.min(2000 * Math.pow(2, retry.tries), RETRY_MAX_MS) * (0.75 + Math.random() / 4);
    retry.tries += 1;
    retry.timer = setTimeout(function () { retry.timer = null; outboxFlush(); }, delay);
  }
  window.addEventListener("storage", function (e) { if (e.key === OUTBOX) showPending(); });

  function focusInvalid() {
    var form = document.getElementById("proposal-form");
    var bad = form && form.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  }
  /* The proposal form came back with its reasons: to the first field to fix. */
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "proposal-form") focusInvalid();
  });

  /* Another page of this member changed their ballot: follow it (the room sends the
     member's own state to their pages only), unless this very page holds an unsent change. */
  document.addEventListener("htmx:oobBeforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "ballot-state") return;
    var form = document.getElementById("ballot-form");
    if (form && pendingHere(form)) e.detail.shouldSwap = false;  // keep "not sent yet"
  });
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "ballot-state") return;
    var state = document.getElementById("ballot-state");
    var form = document.getElementById("ballot-form");
    if (!state || !form || form.dataset.dirty || !state.hasAttribute("data-ballot")) return;
    var ballot;
    try { ballot = JSON.parse(state.getAttribute("data-ballot")); } catch (err) { return; }
    var approvals = ballot.approvals || [], points = ballot.points || {}, choices = ballot.choices || {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.classList.contains("approve")) el.checked = approvals.indexOf(el.value) >= 0;
      else if (el.classList.contains("points")) el.value = points[el.name.replace("points-", "")] || 0;
      else if (el.type === "radio" && el.name.indexOf("choice-") === 0) {
        el.checked = (choices[el.name.replace("choice-", "")] || "abstain") === el.value;
      }
    });
    saveDraft(form);
    updatePicked();
  });
  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (e) {
      if (e.target.form && e.target.form.id === "ballot-form") e.target.form.dataset.dirty = "1";
    });
  });

  window.addEventListener("online", outboxFlush);
  document.addEventListener("htmx:wsOpen", outboxFlush);
  document.addEventListener("DOMContentLoaded", function () { showPending(); outboxFlush(); });
  /* A page shown again from the back/forward cache is old: ask the server (the join page
     then sends a phone that is already in the workshop straight back to it). */
  window.addEventListener("pageshow", function (e) { if (e.persisted) window.location.reload(); });

  /* This script runs (deferred) after htmx and before htmx opens any socket. */
  if (window.htmx) {
    htmx.createWebSocket = function (url) {
      /* Tell the server which stage this page shows, so a reconnect does not redraw the
         forms someone is typing in. */
      var stage = document.getElementById("stage");
      if (stage && stage.dataset.round) {
        url += (url.indexOf("?") < 0 ? "?" : "&") + "stage=" +
          encodeURIComponent(stage.dataset.round + ":" + stage.dataset.phase);
      }
      live.socket = new WebSocket(url);
      return live.socket;
    };
    htmx.config.wsReconnectDelay = function (retry) {
      return Math.min(500 * Math.pow(2, retry), 8000) * (0.5 + Math.random() / 2);
    };
  }
  document.addEventListener("DOMContentLoaded", function () { restoreAll(document); revealOnClose(); });

  /* A live update keeps open what the member opened (an earlier round's details). */
  document.addEventListener("htmx:oobBeforeSwap", function (e) {
    var target = e.detail.target, fragment = e.detail.fragment;
    if (!target || !fragment || !target.querySelectorAll) return;
    target.querySelectorAll("details[id][open]").forEach(function (was) {
      var now = fragment.querySelector("#" + CSS.escape(was.id));
      if (now) now.setAttribute("open", "");
    });
  });
})();
