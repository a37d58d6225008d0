// What the page's consent banner reports, through its own public JavaScript API.
// Returns {cmp, answered, categories: [[name, accepted], ...]} or null (no known banner).
// Evaluated by tracker_check/flows/consent_probe.py after each step; never throws, and
// gives up after 1 s on an API that never answers.
async () => {
  const w = window;
  const pairs = (obj) => Object.keys(obj).map((k) => [String(k), Boolean(obj[k])]);
  const byPurpose = (services, consented) => {
    const out = {};
    for (const s of services || []) {
      for (const p of s.purposes || (s.categorySlug ? [s.categorySlug] : [])) {
        out[p] = Boolean(out[p]) || Boolean(consented(s));
      }
    }
    return out;
  };
  const read = async () => {
    const cb = w.Cookiebot;
    if (cb && cb.consent && typeof cb.consent === "object") {
      const c = cb.consent;
      const cats = { necessary: c.necessary, preferences: c.preferences, statistics: c.statistics, marketing: c.marketing };
      return { cmp: "cookiebot", answered: Boolean(cb.hasResponse), categories: pairs(cats) };
    }
    if (typeof w.OnetrustActiveGroups === "string" && (w.OneTrust || w.Optanon)) {
      const active = w.OnetrustActiveGroups.split(",").filter(Boolean);
      const cats = {};
      for (const g of ["C0001", "C0002", "C0003", "C0004", "C0005", ...active]) cats[g] = active.includes(g);
      const api = w.OneTrust || w.Optanon;
      const closed = typeof api.IsAlertBoxClosed === "function" ? Boolean(api.IsAlertBoxClosed()) : null;
      return { cmp: "onetrust", answered: closed, categories: pairs(cats) };
    }
    if (w.__ucCmp && typeof w.__ucCmp.getConsentDetails === "function") {
      const d = (await w.__ucCmp.getConsentDetails()) || {};
      const cats = {};
      for (const [slug, c] of Object.entries(d.categories || {})) {
        cats[slug] = c && (c.state === "ALL_ACCEPTED" || c.state === "SOME_ACCEPTED");
      }
      const type = d.consent && d.consent.type;
      return { cmp: "usercentrics", answered: type ? type === "EXPLICIT" : null, categories: pairs(cats) };
    }
    if (w.UC_UI && typeof w.UC_UI.getServicesBaseInfo === "function") {
      const services = w.UC_UI.getServicesBaseInfo() || [];
      const cats = byPurpose(services, (s) => s.consent && s.consent.status);
      return { cmp: "usercentrics", answered: null, categories: pairs(cats) };
    }
    if (w.klaro && typeof w.klaro.getManager === "function") {
      const m = w.klaro.getManager();
      const services = (m.config && (m.config.services || m.config.apps)) || [];
      const cats = byPurpose(services, (s) => m.consents && m.consents[s.name]);
      return { cmp: "klaro", answered: Boolean(m.confirmed), categories: pairs(cats) };
    }
    const cc = w.CookieConsent;
    if (cc && typeof cc.getUserPreferences === "function") {
      const p = cc.getUserPreferences() || {};
      const cats = {};
      for (const c of p.rejectedCategories || []) cats[c] = false;
      for (const c of p.acceptedCategories || []) cats[c] = true;
      const answered = typeof cc.validConsent === "function" ? Boolean(cc.validConsent()) : null;
      return { cmp: "cookieconsent", answered, categories: pairs(cats) };
    }
    return null;
  };
  try {
    // the activity probe's own timer: one the page's settling does not wait for
    const activity = window.__trackerCheckActivity__;
    const later = (activity && activity.timeout) || setTimeout;
    return await Promise.race([read(), new Promise((ok) => later(() => ok(null), 1000))]);
  } catch (e) {
    return null;
  }
}
