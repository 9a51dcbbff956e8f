/* First-party statistics (category statistics): runs only after a yes in the banner. */
(function () {
  "use strict";
  if (!/(?:^|;\s*)varna_stats_id=/.test(document.cookie)) {
    var id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    document.cookie = "varna_stats_id=" + id + "; Max-Age=" + 13 * 30 * 24 * 3600 + "; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  try {
    var views = parseInt(localStorage.getItem("varna_stats_views") || "0", 10) + 1;
    localStorage.setItem("varna_stats_views", String(views));
  } catch (e) { /* storage disabled */ }
})();
