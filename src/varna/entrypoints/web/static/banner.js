/* varna cookie banner: our own code, no third party, no CDN (promise C8, LEK 9 kap. 28 §).
 *
 * Embed on any page with one tag:  <script src="https://varna.example.com/static/banner.js" defer></script>
 * - Nothing non-essential before an active yes: scripts tagged
 *   <script type="text/plain" data-category="statistics" src="..."> stay inert until then.
 * - First layer: Accept all, Reject all, Settings, equally prominent.
 * - Sec-GPC / navigator.globalPrivacyControl count as a refusal until the person chooses.
 * - Every decision is logged by the varna API; the choice is kept in the strictly necessary
 *   cookie varna_consent (notice version . random browser id . granted categories).
 * - A new notice version asks again; withdrawing removes the category's cookies and storage.
 * - Any element with data-varna-cookie-settings opens the settings.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = (script && script.getAttribute("data-varna-origin")) ||
    (script && script.src ? new URL(script.src, location.href).origin : location.origin);
  var COOKIE = "varna_consent";
  var MAX_AGE = 365 * 24 * 3600;
  var lang = (document.documentElement.lang || "en").slice(0, 2) === "sv" ? "sv" : "en";
  var WORDS = {
    sv: {
      title: "Vi frågar först om kakor", accept: "Godkänn alla", reject: "Avvisa alla",
      settings: "Inställningar", save: "Spara val", always: "Alltid på",
      intro: "Vi använder nödvändiga kakor för att webbplatsen ska fungera. Med ditt samtycke " +
        "använder vi också kakor för inställningar, statistik och marknadsföring. Du kan " +
        "återkalla ditt samtycke när som helst via länken Cookie-inställningar på varje sida.",
      age: "Genom att godkänna intygar du att du är minst 13 år eller företräder ett företag.",
      gpc: "Din webbläsare skickar Global Privacy Control: vi behandlar det som ett nej tills du väljer.",
      name: "Namn", setBy: "Sätts av", purpose: "Ändamål", lifetime: "Livslängd",
      recipients: "Mottagare", none: "Inga", more: "Läs mer om kakor"
    },
    en: {
      title: "We ask first about cookies", accept: "Accept all", reject: "Reject all",
      settings: "Settings", save: "Save choices", always: "Always on",
      intro: "We use necessary cookies to make the website work. With your consent we also " +
        "use cookies for preferences, statistics and marketing. You can withdraw your consent " +
        "at any time with the Cookie settings link on every page.",
      age: "By accepting you confirm that you are 13 or older, or act for a business.",
      gpc: "Your browser sends Global Privacy Control: we treat it as a no until you choose.",
      name: "Name", setBy: "Set by", purpose: "Purpose", lifetime: "Lifetime",
      recipients: "Recipients", none: "None", more: "More about cookies"
    }
  }[lang];

  var notice = null;
  var dialog = null;
  var returnFocus = null;

  function readChoice() {
    var match = document.cookie.match(/(?:^|;\s*)varna_consent=([^;]*)/);
    if (!match) return null;
    var parts = match[1].split(".");
    if (parts.length < 3) return null;
    return {
      version: parts[0], browserId: parts[1],
      granted: parts[2] ? parts[2].split(":") : [], source: parts[3] || "choice"
    };
  }

  function newBrowserId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function writeChoice(choice) {
    var value = [choice.version, choice.browserId, choice.granted.join(":"), choice.source].join(".");
    document.cookie = COOKIE + "=" + value + "; Max-Age=" + MAX_AGE +
      "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }

  function optionalCategories() {
    return notice.cookie_categories.filter(function (c) { return !c.necessary; });
  }

  function activate(category) {
    var inert = document.querySelectorAll('script[type="text/plain"][data-category="' + category + '"]');
    Array.prototype.forEach.call(inert, function (old) {
      var live = document.createElement("script");
      Array.prototype.forEach.call(old.attributes, function (a) {
        if (a.name !== "type") live.setAttribute(a.name, a.value);
      });
      live.setAttribute("data-varna-active", "");
      if (!old.src) live.text = old.text;
      old.parentNode.replaceChild(live, old);
    });
  }

  function remove(category) {
    var hosts = [location.hostname, "." + location.hostname];
    var parts = location.hostname.split(".");
    if (parts.length > 2) hosts.push("." + parts.slice(-2).join("."));
    category.cookies.forEach(function (cookie) {
      if (cookie.storage === "local_storage") {
        try { localStorage.removeItem(cookie.name); } catch (e) { /* storage disabled */ }
        return;
      }
      document.cookie = cookie.name + "=; Max-Age=0; Path=/";
      hosts.forEach(function (host) {
        document.cookie = cookie.name + "=; Max-Age=0; Path=/; Domain=" + host;
      });
    });
  }

  function apply(granted) {
    optionalCategories().forEach(function (category) {
      if (granted.indexOf(category.id) >= 0) activate(category.id);
      else remove(category);
    });
  }

  function log(choices, source) {
    var body = {
      browser_id: current.browserId, notice_version: notice.version, language: lang,
      choices: choices, gpc: source === "gpc",
      age_confirmed: Object.keys(choices).some(function (k) { return choices[k]; })
    };
    return fetch(origin + "/api/v1/consent/banner", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), credentials: "omit", keepalive: true
    }).catch(function () { /* the choice still holds in this browser */ });
  }

  var current = null;

  function decide(choices, source) {
    var granted = Object.keys(choices).filter(function (k) { return choices[k]; });
    current = {
      version: notice.version, browserId: (current && current.browserId) || newBrowserId(),
      granted: granted, source: source
    };
    writeChoice(current);
    apply(granted);
    var logged = log(choices, source);
    close();
    document.documentElement.setAttribute("data-varna-consent", source);
    return logged;
  }

  function all(value) {
    var choices = {};
    optionalCategories().forEach(function (c) { choices[c.id] = value; });
    return choices;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function categoryDetails(category, granted) {
    var box = el("fieldset", { "class": "varna-category" });
    var legend = el("legend");
    var id = "varna-cat-" + category.id;
    var input = el("input", { type: "checkbox", id: id, "data-category": category.id });
    if (category.necessary) { input.checked = true; input.disabled = true; }
    else input.checked = granted.indexOf(category.id) >= 0;
    legend.appendChild(input);
    legend.appendChild(el("label", { "for": id },
      category.label + (category.necessary ? " (" + WORDS.always + ")" : "")));
    box.appendChild(legend);
    box.appendChild(el("p", {}, category.description));
    var table = el("table", { "class": "varna-cookies" });
    var head = el("tr");
    [WORDS.name, WORDS.setBy, WORDS.purpose, WORDS.lifetime, WORDS.recipients].forEach(function (h) {
      head.appendChild(el("th", { scope: "col" }, h));
    });
    table.appendChild(head);
    category.cookies.forEach(function (c) {
      var row = el("tr");
      [c.name, c.set_by, c.purpose, c.lifetime, c.recipients.join(", ") || WORDS.none].forEach(function (v) {
        row.appendChild(el("td", {}, v));
      });
      table.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }

  function open(withSettings) {
    if (!notice) return;
    close();
    returnFocus = document.activeElement;
    var granted = current && current.version === notice.version ? current.granted : [];
    dialog = el("div", {
      id: "varna-banner", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "varna-banner-title", "aria-describedby": "varna-banner-intro"
    });
    dialog.setAttribute("lang", lang);
    var title = el("h2", { id: "varna-banner-title", tabindex: "-1" }, WORDS.title);
    dialog.appendChild(title);
    dialog.appendChild(el("p", { id: "varna-banner-intro" }, WORDS.intro));
    if (notice.gpc || navigator.globalPrivacyControl === true) {
      dialog.appendChild(el("p", { "class": "varna-gpc" }, WORDS.gpc));
    }
    var names = optionalCategories().map(function (c) { return c.label; }).join(", ");
    dialog.appendChild(el("p", { "class": "varna-categories" }, names + "."));
    dialog.appendChild(el("p", { "class": "varna-age" }, WORDS.age));
    var buttons = el("div", { "class": "varna-buttons" });
    var accept = el("button", { type: "button", "class": "varna-button", "data-action": "accept" }, WORDS.accept);
    var reject = el("button", { type: "button", "class": "varna-button", "data-action": "reject" }, WORDS.reject);
    var settings = el("button", {
      type: "button", "class": "varna-button", "data-action": "settings",
      "aria-expanded": withSettings ? "true" : "false", "aria-controls": "varna-settings"
    }, WORDS.settings);
    accept.addEventListener("click", function () { decide(all(true), "choice"); });
    reject.addEventListener("click", function () { decide(all(false), "choice"); });
    buttons.appendChild(accept);
    buttons.appendChild(reject);
    buttons.appendChild(settings);
    dialog.appendChild(buttons);
    var panel = el("div", { id: "varna-settings" });
    panel.hidden = !withSettings;
    notice.cookie_categories.forEach(function (c) { panel.appendChild(categoryDetails(c, granted)); });
    var save = el("button", { type: "button", "class": "varna-button", "data-action": "save" }, WORDS.save);
    save.addEventListener("click", function () {
      var choices = {};
      optionalCategories().forEach(function (c) {
        choices[c.id] = dialog.querySelector('input[data-category="' + c.id + '"]').checked;
      });
      decide(choices, "choice");
    });
    panel.appendChild(save);
    var more = el("a", { href: origin + "/cookies?lang=" + lang }, WORDS.more);
    panel.appendChild(el("p")).appendChild(more);
    dialog.appendChild(panel);
    settings.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      settings.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
      if (!panel.hidden) panel.querySelector("input:not([disabled])").focus();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab") trapFocus(event);
    });
    document.body.appendChild(dialog);
    title.focus();
  }

  function trapFocus(event) {
    var focusable = Array.prototype.filter.call(
      dialog.querySelectorAll("button, input:not([disabled]), a[href]"),
      function (n) { return n.offsetParent !== null; });
    if (!focusable.length) return;
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
    else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
  }

  function close() {
    if (!dialog) return;
    dialog.parentNode.removeChild(dialog);
    dialog = null;
    if (returnFocus && returnFocus.focus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  function bindSettingsLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-varna-cookie-settings]");
      if (!link || !notice) return;
      event.preventDefault();
      open(true);
    });
  }

  function start() {
    bindSettingsLinks();
    current = readChoice();
    fetch(origin + "/api/v1/consent/notice?lang=" + lang, { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (loaded) {
        notice = loaded;
        window.varnaConsent = { open: open, notice: notice };
        var gpc = notice.gpc || navigator.globalPrivacyControl === true;
        if (current && current.version === notice.version && (current.source === "choice" || gpc)) {
          apply(current.granted);
          document.documentElement.setAttribute("data-varna-consent", current.source);
          return;
        }
        if (gpc) {
          /* A refusal of every non-essential category until the person chooses. */
          decide(all(false), "gpc");
          return;
        }
        if (current) apply([]);  /* a new notice version: nothing until asked again */
        open(false);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
