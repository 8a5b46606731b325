// Keeps every [data-count-url] element live: polls the letter's cached count.json and, when a
// number changed, swaps in the sentence rendered by the server, so that plural rules stay right
// in every language. Polling pauses while the tab is hidden.
(() => {
  "use strict";
  const PERIOD_MS = 7000;
  const FIELDS = ["signatories", "countries", "continents"];
  const elements = document.querySelectorAll("[data-count-url]");
  if (!elements.length || !window.fetch) return;

  const refresh = async (element) => {
    try {
      const response = await fetch(element.dataset.countUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const count = await response.json();
      if (FIELDS.every((name) => String(count[name]) === element.dataset[name])) return;
      const sentence = await fetch(element.dataset.countFragmentUrl);
      if (!sentence.ok) return;
      element.innerHTML = await sentence.text();
      FIELDS.forEach((name) => { element.dataset[name] = count[name]; });
      document.querySelectorAll("progress[data-count-progress]").forEach((bar) => { bar.value = count.signatories; });
    } catch (error) {
      // Offline or the server is busy: the next round tries again.
    }
  };
  const refreshAll = () => { if (!document.hidden) elements.forEach(refresh); };

  setInterval(refreshAll, PERIOD_MS);
  document.addEventListener("visibilitychange", refreshAll);
})();
