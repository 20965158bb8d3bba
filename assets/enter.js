// The card's QR code opens /vote/enter#code=K7QD-M2XH-9RTF. Browsers never send what
// follows "#", so the code reaches no server or log; this puts it in the form, takes it
// out of the address (and so out of the history) and signs in. Without JavaScript the
// member types the code instead.
const params = new URLSearchParams(window.location.hash.slice(1));
const code = params.get("code");
const form = document.querySelector("[data-member-code-form]");
if (code && form) {
  history.replaceState(null, "", window.location.pathname + window.location.search);
  form.querySelector("input[name=code]").value = code;
  form.requestSubmit();
}
