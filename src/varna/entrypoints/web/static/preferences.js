/* Preferences (category preferences): remembers the page language, only after a yes. */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "en").slice(0, 2);
  document.cookie = "varna_prefs=lang-" + lang + "; Max-Age=" + 365 * 24 * 3600 + "; Path=/; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
})();
