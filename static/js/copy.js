// "Copy" buttons: [data-copy-target] copies the value of the element with that id,
// [data-copy-text] copies its own text. Without script the buttons stay hidden and the
// code remains selectable by hand.
(() => {
  "use strict";
  if (!navigator.clipboard) return;
  const status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy-target], [data-copy-text]").forEach((button) => {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const target = document.getElementById(button.dataset.copyTarget || "");
      const text = target ? target.value : button.dataset.copyText;
      if (target) target.select();
      try {
        await navigator.clipboard.writeText(text);
      } catch (error) {
        return; // Permission refused: the selected text can still be copied by hand.
      }
      button.textContent = button.dataset.copied;
      if (status) status.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 2500);
    });
  });
})();
