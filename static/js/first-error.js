// A form that comes back with errors: move the focus to the first field marked invalid, so
// that a keyboard or screen-reader user lands on it rather than at the top of the page (on a
// phone, the message and the field are then on screen together).
(() => {
  "use strict";
  const field = document.querySelector("form [aria-invalid='true']");
  if (!field) return;
  field.focus();
  if (field.scrollIntoView) field.scrollIntoView({ block: "center" });
})();
