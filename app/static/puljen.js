/* Puljen's small helpers on top of htmx: drafts that survive reloads and reconnects,
   the ballot counter, timers, connection state, and errors for a person. No framework. */
(function () {
  "use strict";
  var store = window.localStorage;

  function draftKey(form) { return "puljen:draft:" + form.getAttribute("data-draft"); }

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
  });
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

  function tickTimers() {
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.getAttribute("data-ends-at")) - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      el.classList.toggle("done", left === 0);
    });
  }
  setInterval(tickTimers, 1000);

  document.addEventListener("htmx:load", function (e) { restoreAll(e.detail.elt); });
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    restoreAll(document);
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

  /* Leaving on a shared phone: forget this member's drafts too. */
  document.addEventListener("submit", function (e) {
    if (e.target.id !== "leave-form") return;
    try {
      Object.keys(store).forEach(function (k) {
        if (k.indexOf("puljen:draft:") === 0) store.removeItem(k);
      });
    } catch (err) { /* ignore */ }
  });
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
  document.addEventListener("DOMContentLoaded", function () { restoreAll(document); });

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
