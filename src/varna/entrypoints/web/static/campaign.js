/* Marketing (category marketing): remembers the campaign of the link, only after a yes. */
(function () {
  "use strict";
  var campaign = new URLSearchParams(location.search).get("campaign");
  if (campaign && /^[A-Za-z0-9_-]{1,40}$/.test(campaign)) {
    document.cookie = "varna_campaign=" + campaign + "; Max-Age=" + 90 * 24 * 3600 + "; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
})();
