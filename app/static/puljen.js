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
      if (el.type === "checkbox") {
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
      if (el.type === "checkbox") {
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
    var out = document.getElementById("picked");
    var form = document.getElementById("ballot-form");
    if (out && form) out.textContent = form.querySelectorAll("input.approve:checked").length;
  }

  function restoreAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-draft]").forEach(restoreDraft);
    updatePicked();
    tickTimers();
  }

  document.addEventListener("input", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-draft")) saveDraft(form);
  });
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-draft")) saveDraft(form);
    if (e.target.classList && e.target.classList.contains("approve")) updatePicked();
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !e.detail.successful) return;
    if (form.hasAttribute("data-draft") && form.id !== "ballot-form") clearDraft(form);
    if (form.hasAttribute("data-reset-on-success")) form.reset();
  });

  /* A server error becomes a sentence on the page, not a silent failure. */
  document.addEventListener("htmx:responseError", function (e) {
    var message = "";
    try { message = JSON.parse(e.detail.xhr.responseText).error.message; } catch (err) {
      message = e.detail.xhr.statusText || "Error";
    }
    var box = document.getElementById("console-error") || document.getElementById("page-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "page-error";
      box.className = "error toast";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.hidden = false;
    box.textContent = message;
  });
  document.addEventListener("htmx:sendError", function () {
    document.body.classList.add("offline");
  });

  /* Live connection state; a removed member or an expired login is sent away. */
  document.addEventListener("htmx:wsOpen", function () { document.body.classList.remove("offline"); });
  document.addEventListener("htmx:wsClose", function (e) {
    var code = e.detail.event && e.detail.event.code;
    var main = document.querySelector("[data-gone-url]");
    if ((code === 4401 || code === 4403) && main) {
      window.location.assign(main.getAttribute("data-gone-url"));
      return;
    }
    document.body.classList.add("offline");
  });
  window.addEventListener("online", function () { document.body.classList.remove("offline"); });

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
  document.addEventListener("htmx:oobAfterSwap", function () { restoreAll(document); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      htmx.config.wsReconnectDelay = function (retry) {
        return Math.min(500 * Math.pow(2, retry), 8000) * (0.5 + Math.random() / 2);
      };
    }
    restoreAll(document);
  });
})();
