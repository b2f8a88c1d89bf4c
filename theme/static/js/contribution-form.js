/*
  Contribution form, enhancements only (everything works without this script):
  - a length counter under the text field;
  - a "Répondre" link fills "en réponse à" in the article's own form instead of opening the intake's reply page;
  - the thank-you page shows the receipt number and the deletion link read from its address.
  It sends nothing anywhere and loads nothing.
*/
(function () {
  "use strict";

  function setUpCounter(form) {
    var text = form.querySelector("textarea[name=texte]");
    var counter = form.querySelector(".contribution-form__counter");
    if (!text || !counter) return;
    var max = parseInt(form.getAttribute("data-max-chars"), 10) || 0;
    function update() {
      var used = text.value.length;
      var left = max - used;
      counter.textContent = used + " caractère" + (used > 1 ? "s" : "") + " sur " + max +
        (left <= max / 10 ? " (il en reste " + Math.max(left, 0) + ")" : "");
      counter.classList.toggle("contribution-form__counter--near", left <= max / 10);
    }
    counter.hidden = false;
    text.addEventListener("input", update);
    update();
  }

  function replyTo(form, link) {
    var url;
    try { url = new URL(link.href); } catch (e) { return false; }
    var id = url.searchParams.get("reponse_a") || "";
    var article = form.querySelector("input[name=article]");
    if (!/^[a-z0-9-]+$/.test(id) || !article || article.value !== url.searchParams.get("article")) return false;
    var item = document.getElementById("contribution-" + id);
    var author = item && item.querySelector(".contribution__author");
    form.querySelector("input[name=reponse_a]").value = id;
    var info = form.querySelector(".contribution-form__reply");
    var target = info.querySelector(".contribution-form__reply-target");
    target.textContent = author ? author.textContent.trim() : id;
    target.setAttribute("href", "#contribution-" + id);
    info.querySelector(".contribution-form__reply-cancel").hidden = false;
    info.hidden = false;
    var text = form.querySelector("textarea[name=texte]");
    text.focus();
    return true;
  }

  function cancelReply(form) {
    form.querySelector("input[name=reponse_a]").value = "";
    form.querySelector(".contribution-form__reply").hidden = true;
  }

  // « Revenir à l'article »: `retour` is the article's address on this site ("/slug/"), set by the intake;
  // anything else (another host, "//", "..", a scheme) is ignored.
  function setUpBackLink(page, params) {
    var back = params.get("retour") || "";
    var site = page.getAttribute("data-site") || "";
    if (!/^\/[A-Za-z0-9][A-Za-z0-9\/_.~-]*$/.test(back) || back.indexOf("//") >= 0 || back.indexOf("..") >= 0) return;
    var base;
    try { base = new URL(site ? site + "/" : "/", window.location.href); } catch (e) { return; }
    var target = new URL(back.slice(1), base);
    if (target.origin !== base.origin || target.pathname.indexOf(base.pathname) !== 0) return;
    page.querySelector(".thanks__article").setAttribute("href", target.href);
    page.querySelector(".thanks__back").hidden = false;
  }

  function setUpThanks(page) {
    var params = new URLSearchParams(window.location.search);
    setUpBackLink(page, params);
    var number = params.get("recu") || "";
    var key = params.get("cle") || "";
    var intake = page.getAttribute("data-intake") || "";
    if (!/^[a-z0-9-]{1,64}$/.test(number) || !/^[0-9a-f]{8,64}$/.test(key) || !/^https?:\/\//.test(intake)) return;
    page.querySelector(".thanks__number").textContent = number;
    page.querySelector(".thanks__deletion").setAttribute(
      "href", intake + "suppression?c=" + encodeURIComponent(number) + "&s=" + encodeURIComponent(key));
    page.querySelector(".thanks__receipt").hidden = false;
    page.querySelector(".thanks__fallback").hidden = true;
  }

  function start() {
    var forms = document.querySelectorAll("form.contribution-form");
    Array.prototype.forEach.call(forms, setUpCounter);
    var form = document.querySelector("#contribuer form.contribution-form");
    if (form) {
      document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a.contribution__reply-link");
        if (link && replyTo(form, link)) event.preventDefault();
        if (event.target.closest && event.target.closest(".contribution-form__reply-cancel")) cancelReply(form);
      });
    }
    var thanks = document.querySelector(".thanks");
    if (thanks) setUpThanks(thanks);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
