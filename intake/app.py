"""The intake's WSGI application (Werkzeug): routes, answers, and the service's own French pages.

Routes:

==================================  ==============================================================
``POST /contribution``              the site's form. Without a valid token (first POST, or
                                    "Revoir l'aperçu"): 200 and a confirmation page (preview and
                                    signed token), or 422 and the form again with French messages.
                                    With the token and ``action=envoyer``: stored, ``303 See Other``
                                    to the site's thank-you page ``?recu=<id>&cle=<signature>``;
                                    ``Accept: application/json`` gets JSON instead (202 / 422).
                                    The receipt only for its sender (the same token); the
                                    same content from another page: "Contribution déjà reçue".
``GET /contribution``               the form alone (``?article=…&reponse_a=…``): "Répondre" links
``GET /recu``                       the receipt of the last submission (one-hour cookie)
``GET|POST /suppression``           ask for a contribution's deletion (the receipt's signed link)
``GET /courriel/confirmer``         double opt-in: the link of the confirmation e-mail
``GET|POST /courriel/desinscrire``  unsubscribe: deletes the address (one-click POST too)
``POST /courriel/suivre``           « Recevoir par e-mail »: an address and a published feed (``flux``,
                                    from the site's feed list) → one confirmation e-mail (double opt-in);
                                    the same answer whether the address was known or not
``GET|POST /courriel/suivre/confirmer``  the confirmation link: GET shows a button, POST confirms
``GET|POST /courriel/suivre/effacer``    the link in every follower's message: deletes the address at once
``GET|POST /courriel/suivre/un-clic``    ``List-Unsubscribe`` (RFC 8058): POST deletes, GET shows a button
``POST /webmention``                W3C Webmention: 202, verified in the background
``GET /sante``                      health: {"etat": "ok"} (200) once the site is read, 503 before;
                                    nothing more (details: the log and ``invoke intake.status``)
==================================  ==============================================================
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import feedread, follow, form, mail, spam, webmention
from .config import IntakeConfig
from .letters import CONFIRM_PATH, LEAVE_PATH
from .paths import TEMPLATES, THEME_TEMPLATES, ensure_plugins_importable
from .service import NAME_IN_USE_NOTE, Intake

ensure_plugins_importable()
from blogcore import urls  # noqa: E402
from blogcore.wording import CONTRIBUTION_KINDS  # noqa: E402
from community.sanitize import render_body  # noqa: E402
from editorial.filters import FILTERS as THEME_FILTERS  # noqa: E402

log = logging.getLogger("intake")
RECEIPT_COOKIE = "recu"


class IntakeApp:
    """The WSGI callable."""

    def __init__(self, intake: Intake):
        self.intake = intake
        self.cfg: IntakeConfig = intake.cfg
        self.env = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(THEME_TEMPLATES)]),
                               autoescape=True, trim_blocks=True, lstrip_blocks=True)
        # The theme's filters (French dates, typography): its macros (_macros.html) compile with them.
        self.env.filters.update(THEME_FILTERS)
        self.urls = Map([
            Rule("/", endpoint="home", methods=["GET"]),
            Rule("/sante", endpoint="health", methods=["GET"]),
            Rule("/contribution", endpoint="contribution", methods=["GET", "POST"]),
            Rule("/recu", endpoint="receipt", methods=["GET"]),
            Rule("/suppression", endpoint="deletion", methods=["GET", "POST"]),
            Rule("/courriel/confirmer", endpoint="confirm", methods=["GET"]),
            Rule("/courriel/desinscrire", endpoint="unsubscribe", methods=["GET", "POST"]),
            Rule("/webmention", endpoint="webmention", methods=["GET", "POST"]),
            Rule("/courriel/suivre", endpoint="follow", methods=["POST"]),
            Rule("/courriel/suivre/confirmer", endpoint="follow_confirm", methods=["GET", "POST"]),
            Rule("/courriel/suivre/effacer", endpoint="follow_leave", methods=["GET", "POST"]),
            Rule("/courriel/suivre/un-clic", endpoint="follow_one_click", methods=["GET", "POST"]),
        ], strict_slashes=False)
        self._catalogue: tuple[float, dict] = (0.0, {})  # the site's feed list, read again every few minutes

    def __call__(self, environ, start_response):
        request = Request(environ)
        snap = self.intake.snapshot
        limit = (snap.max_body_chars if snap else 20000) * 4 + 65536
        request.max_content_length = limit
        request.max_form_memory_size = limit
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
            response = getattr(self, "on_" + endpoint)(request, **values)
        except MethodNotAllowed as exc:
            response = self.message(request, "Méthode non acceptée", ["Cette adresse ne s’utilise pas ainsi."],
                                    exc.code)
            response.headers["Allow"] = ", ".join(exc.valid_methods or [])
        except NotFound:
            response = self.message(request, "Page introuvable", ["Cette adresse n’existe pas sur le service de "
                                                                   "contributions."], 404)
        except HTTPException as exc:  # 413 (too large) and the like
            response = self.message(request, "Envoi refusé", [f"{exc.code} : {exc.description}"], exc.code)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response(environ, start_response)

    # --- answers --------------------------------------------------------------------

    @staticmethod
    def wants_json(request: Request) -> bool:
        """Whether the client asked for JSON (Accept: application/json) rather than a page."""
        return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json" \
            and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]

    def page(self, template: str, status: int = 200, **values) -> Response:
        """A page of the service, in French, styled by the site's own stylesheet."""
        snap = self.intake.snapshot
        html = self.env.get_template(template).render(
            site_url=self.cfg.site_url, site_name=snap.site_name if snap else "", **values)
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    def message(self, request: Request, title: str, paragraphs: list[str], status: int = 200,
                links: list[tuple[str, str]] = (), data: dict | None = None) -> Response:
        """A short answer: a page, or JSON for a JSON client."""
        if self.wants_json(request):
            body = {"message": title, "details": paragraphs, **(data or {})}
            return Response(json.dumps(body, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
        return self.page("message.html", status, title=title, paragraphs=paragraphs, links=list(links))

    def unavailable(self, request: Request) -> Response:
        """The site is not read yet (start, or the remote unreachable since start)."""
        response = self.message(request, "Service momentanément indisponible",
                                ["Le service de contributions démarre ou ne peut pas lire le site. "
                                 "Réessayez dans une minute : votre texte est encore dans la page précédente."], 503)
        response.headers["Retry-After"] = "60"
        return response

    # --- routes -------------------------------------------------------------------------

    def on_home(self, request: Request) -> Response:
        return self.message(request, "Service de contributions",
                            ["Ce service reçoit les contributions envoyées depuis les articles du site et les "
                             "webmentions. Tout est relu par un modérateur avant publication."],
                            links=[(self.cfg.site_url + "/", "Aller sur le site")])

    def on_health(self, request: Request) -> Response:
        # Ok or not, nothing more: the reason (a git error, the data folder's path) is for the operator,
        # in the log and `invoke intake.status`, never for whoever asks.
        snap = self.intake.snapshot
        return Response(json.dumps({"etat": "ok" if snap else "indisponible"}), status=200 if snap else 503,
                        content_type="application/json")

    def _form_page(self, request: Request, draft: form.Draft, status: int, errors: dict | None = None,
                   preview: bool = False) -> Response:
        snap = self.intake.snapshot
        article = snap.articles.get(draft.article)
        reply = None
        parent = snap.published(draft.reply_to) if draft.reply_to else None
        if parent is not None and article is not None:
            reply = (parent.id, parent.author, f"{article.url}#{parent.anchor}")
        if self.wants_json(request):
            if errors:
                return Response(json.dumps({"erreurs": errors}, ensure_ascii=False), status=status,
                                content_type="application/json; charset=utf-8")
            body = {"etape": "confirmation", "jeton": spam.issue_token(self.cfg, draft.article),
                    "envoyer_apres_secondes": self.cfg.min_fill_seconds,
                    "message": "Renvoyez les mêmes champs avec « jeton » et action=envoyer."}
            return Response(json.dumps(body, ensure_ascii=False), status=200,
                            content_type="application/json; charset=utf-8")
        values = draft.values()
        mail_note = bool(draft.email) and not self.intake.mailer
        return self.page(
            "form_page.html", status, article=article, values=values, errors=errors or {}, reply=reply,
            preview_html=render_body(draft.body, frozenset()) if preview else "",
            kind_label=CONTRIBUTION_KINDS.get(draft.kind, ""), preview=preview, mail_note=mail_note,
            token=spam.issue_token(self.cfg, draft.article) if preview else "",
            max_chars=snap.max_body_chars, max_links=self.cfg.max_links,
            transparence_url=snap.transparence_url,
            script_url=self.cfg.site_url + "/theme/js/contribution-form.js", action=self.cfg.url("contribution"))

    def on_contribution(self, request: Request) -> Response:
        snap = self.intake.snapshot
        if snap is None:
            return self.unavailable(request)
        if request.method == "GET":
            draft = form.Draft(article=request.args.get("article", ""), reply_to=request.args.get("reponse_a", ""))
            if draft.article not in snap.articles:
                return self.message(request, "Article introuvable",
                                    ["Cet article n’existe pas ou n’accepte pas de contribution."], 404,
                                    links=[(self.cfg.site_url + "/", "Aller sur le site")])
            if draft.reply_to and snap.published(draft.reply_to) is None:
                draft.reply_to = ""
            return self._form_page(request, draft, 200)
        draft = form.read(request.form, snap.max_body_chars)
        refusal = spam.honeypot(draft)
        if refusal:
            return self.message(request, "Envoi refusé", [refusal], 422)
        errors = dict(draft.errors)
        if "formulaire" in errors:  # a field the form does not have: not our form
            return self.message(request, "Envoi refusé", [errors["formulaire"]], 400)
        if draft.article not in snap.articles:
            errors.setdefault("article", "Choisissez l’article que votre contribution concerne."
                              if not draft.article else "Cet article n’existe pas, ou n’accepte pas de contribution.")
        if draft.reply_to and snap.published(draft.reply_to) is None:
            errors.setdefault("reponse_a", "La contribution à laquelle vous répondez n’existe pas, ou n’est "
                                           "pas publiée.")
        for check in (lambda: spam.too_many_links(self.cfg, draft), lambda: spam.blocked(snap.blocklists, draft)):
            refusal = check()
            if refusal:
                errors.setdefault("texte", refusal)
        email_hash = self.intake.email_hash(draft.email)
        now = dt.datetime.now(snap.site.tz)
        contribution = form.build(draft, snap, "c-nouvelle", now, email_hash)
        if not errors:
            errors.update(form.check_with_store(contribution, snap))
        if errors:
            return self._form_page(request, draft, 422, errors)
        if draft.action != "envoyer" or not draft.token:
            return self._form_page(request, draft, 200, preview=True)
        refusal = spam.check_token(self.cfg, draft.token, draft.article)
        if refusal:
            return self._form_page(request, draft, 422, {"jeton": refusal}, preview=True)
        network = spam.network_of(spam.client_address(self.cfg, request.environ))
        wait = spam.rate_limited(self.cfg, self.intake.db, network)
        if wait:
            response = self.message(request, "Trop d’envois", [
                "Beaucoup de contributions sont venues de votre réseau ces derniers temps. Réessayez plus tard "
                f"(dans {max(1, wait // 60)} minutes au plus) : votre texte est encore dans la page précédente."], 429)
            response.headers["Retry-After"] = str(wait)
            return response
        refusal = spam.third_party(self.cfg, {
            "kind": draft.kind, "article": draft.article, "article_url": snap.articles[draft.article].url,
            "author": draft.author, "author_url": draft.website, "email": draft.email, "body": draft.body,
            "ip": spam.client_address(self.cfg, request.environ), "user_agent": request.user_agent.string,
            "referrer": request.referrer or ""})
        if refusal:
            return self.message(request, "Envoi refusé", [refusal], 422)
        notes = NAME_IN_USE_NOTE if self.intake.name_in_use(draft.author, email_hash) else ""
        stored = self.intake.accept(contribution, draft.dedupe_key(), draft.email,
                                    {"author": draft.author, "title": snap.articles[draft.article].title,
                                     "about": snap.articles[draft.article].about()},
                                    token=spam.token_digest(draft.token), notes=notes)
        if stored.outcome == "token-used":
            return self._form_page(request, draft, 422, {"jeton": spam.TOKEN_USED}, preview=True)
        if stored.outcome == "duplicate":
            return self.message(request, "Contribution déjà reçue", [
                "Une contribution identique (même article, même nom, même texte) a déjà été reçue : elle attend la "
                "relecture d’un modérateur. Elle ne sera pas enregistrée deux fois.",
                "Si vous l’aviez envoyée vous-même, votre reçu est dans la page de remerciement qui s’est affichée "
                "alors, et dans l’e-mail de confirmation si vous aviez donné votre adresse."],
                links=[(snap.articles[draft.article].url, "Revenir à l’article")], data={"deja_recue": True})
        if stored.outcome == "created":
            self.intake.db.hit(network)
        return self.accepted(request, stored.ident, stored.outcome == "created", draft.article)

    def accepted(self, request: Request, ident: str, created: bool, article: str = "") -> Response:
        """303 to the site's thank-you page with the receipt (JSON: 202 and the receipt).

        Only for the sender of the submission: the one whose POST stored it, or who sends it again with the
        same confirmation token (the proof that it is the same sender), never for a duplicate from elsewhere.
        """
        snap = self.intake.snapshot
        key = mail.link_signature(self.cfg, "deletion", ident)
        thanks = f"{self.cfg.site_url}/{snap.thanks_url}?recu={ident}&cle={key}"
        # The article it was about, for the thank-you page's « Revenir à l'article » (its address on the site).
        back = snap.site.articles.get(article, "") if article in snap.articles else ""
        if back:
            thanks += "&retour=" + quote(back, safe="/")
        if self.wants_json(request):
            body = {"recu": ident, "statut": "en attente de modération", "deja_recue": not created,
                    "suppression": mail.deletion_link(self.cfg, ident), "merci": thanks}
            return Response(json.dumps(body, ensure_ascii=False), status=202,
                            content_type="application/json; charset=utf-8")
        response = Response(status=303, headers={"Location": thanks})
        response.set_cookie(RECEIPT_COOKIE, f"{ident}.{key}.{article if back else ''}", max_age=3600, path="/recu", httponly=True,
                            samesite="Lax", secure=self.cfg.public_url.startswith("https://"))
        return response

    def on_receipt(self, request: Request) -> Response:
        ident, _, rest = (request.cookies.get(RECEIPT_COOKIE) or "").partition(".")
        key, _, article = rest.partition(".")  # the article's slug after the signature (empty for none)
        if not ident or mail.link_signature(self.cfg, "deletion", ident) != key:
            return self.message(request, "Aucun reçu", [
                "Ce navigateur n’a pas de reçu récent : le reçu s’affiche ici pendant une heure après l’envoi. "
                "Votre numéro de reçu figure aussi dans l’adresse de la page de remerciement, après « recu= »."],
                404, links=[(self.cfg.site_url + "/", "Aller sur le site")])
        found = self.intake.snapshot.articles.get(article) if article else None
        back_to_article = [(found.url, "Revenir à l’article")] if found else []
        return self.message(request, "Votre reçu", [
            f"Numéro de reçu : {ident}. Votre contribution attend la relecture d’un modérateur.",
            "Gardez ce lien : il vous permet de demander la suppression de votre contribution, même après sa "
            "publication."], links=[(mail.deletion_link(self.cfg, ident), "Demander la suppression de ma contribution"),
                                    *back_to_article,
                                    (self.cfg.site_url + "/", "Revenir sur le site")])

    def _signed(self, request: Request, purpose: str) -> str | None:
        ident = request.values.get("c", "")
        signature = request.values.get("s", "")
        if ident and mail.link_signature(self.cfg, purpose, ident) == signature:
            return ident
        return None

    def on_deletion(self, request: Request) -> Response:
        ident = self._signed(request, "deletion")
        if ident is None:
            return self.message(request, "Lien non valable", [
                "Ce lien de suppression est incomplet ou modifié. Copiez-le en entier depuis votre reçu."], 400)
        if request.method == "GET":  # a link opened (or prefetched) changes nothing: the reader confirms
            return self.page("deletion.html", ident=ident, action=self.cfg.url("suppression"),
                             signature=request.values.get("s", ""))
        # A request for a moderator: nothing is erased before a moderator merges it (service._job_redaction).
        if not self.intake.db.has_job("redaction", ident):
            self.intake.db.enqueue("redaction", ident)
            self.intake.on_enqueue()
        return self.message(request, "Demande de suppression enregistrée", [
            f"Votre demande concernant la contribution {ident} est enregistrée. Un modérateur la vérifie et la "
            "traite : le texte et votre nom seront retirés ; une mention restera à leur place pour que le fil de "
            "discussion reste lisible.",
            "Votre adresse électronique, si vous l’aviez donnée, sera effacée quand la suppression sera faite. Pour "
            "l’effacer tout de suite, utilisez le lien « Ne plus recevoir de message » de nos e-mails."],
            links=[(self.cfg.site_url + "/", "Revenir sur le site")], data={"recu": ident})

    def on_confirm(self, request: Request) -> Response:
        ident = self._signed(request, "confirm")
        if ident is None or not self.intake.confirmed(ident):
            return self.message(request, "Lien expiré ou non valable", [
                "Cette adresse n’est plus conservée (le délai de confirmation est passé, ou vous vous êtes "
                "désinscrit), ou le lien est incomplet. Vous pouvez la donner de nouveau avec votre prochaine "
                "contribution."], 400)
        return self.message(request, "Adresse confirmée", [
            "Merci : nous vous écrirons quand votre contribution sera publiée ou recevra une réponse, et pour rien "
            "d’autre. Chaque message contient un lien pour effacer votre adresse aussitôt.",
            f"Sinon, elle est effacée au plus tard {self.cfg.email_retention_days} jours après votre contribution."],
            links=[(self.cfg.site_url + "/", "Revenir sur le site")])

    def on_unsubscribe(self, request: Request) -> Response:
        ident = self._signed(request, "unsubscribe")
        if ident is None:
            return self.message(request, "Lien non valable", ["Ce lien est incomplet ou modifié."], 400)
        self.intake.db.forget_address(ident)
        return self.message(request, "Adresse effacée", [
            "Votre adresse électronique est effacée : nous ne vous écrirons plus au sujet de cette contribution."],
            links=[(self.cfg.site_url + "/", "Revenir sur le site")])

    def on_webmention(self, request: Request) -> Response:
        snap = self.intake.snapshot
        if request.method == "GET":
            return self.message(request, "Point d’accès Webmention", [
                "Envoyez ici, par POST, les paramètres source et target (W3C Webmention)."])
        if snap is None:
            return self.unavailable(request)
        def bad(text: str) -> Response:
            return Response(text + "\n", status=400, content_type="text/plain; charset=utf-8")
        addresses = {}
        for name in ("source", "target"):  # each read once, as a browser would; the job gets what was read
            if len(request.form.getlist(name)) != 1:
                return bad(f"{name} : envoyez ce paramètre une fois (W3C Webmention).")
            try:
                addresses[name] = urls.web_address(request.form[name].strip())
            except urls.AddressError as exc:
                return bad(f"{name} : {form.address_french(exc.reason)}")
        source, target = addresses["source"].href, addresses["target"].href
        if addresses["source"].without_fragment == addresses["target"].without_fragment:
            return bad("source et target sont la même adresse.")
        if webmention.target_article(self.cfg.site_url, snap.articles, target) is None:
            return bad("target n’est pas un article de ce site.")
        network = spam.network_of(spam.client_address(self.cfg, request.environ))
        if spam.rate_limited(self.cfg, self.intake.db, network):
            return Response("Trop de webmentions depuis votre réseau : réessayez plus tard.\n", status=429,
                            content_type="text/plain; charset=utf-8", headers={"Retry-After": str(self.cfg.rate_seconds)})
        self.intake.db.hit(network)
        ident = self.intake.new_id(self.intake.db.known_ids())
        self.intake.db.enqueue("webmention", ident, {"source": source, "target": target})
        self.intake.on_enqueue()
        return Response("Webmention reçue : la source sera vérifiée, puis relue par un modérateur.\n", status=202,
                        content_type="text/plain; charset=utf-8")


    # --- following by e-mail (follow.py) ------------------------------------------------

    def catalogue(self) -> dict[str, str]:
        """The published feeds readers may follow (site-relative Atom path → title), read at most every 5 min."""
        at, found = self._catalogue
        if not found or time.monotonic() - at > 300:
            found = feedread.read_catalogue(self.cfg)
            self._catalogue = (time.monotonic(), found)
        return found

    def on_follow(self, request: Request) -> Response:
        if self.intake.sender is None:
            return self.message(request, "Abonnement par e-mail indisponible", [
                "Ce site n’envoie pas d’e-mails pour le moment. Vous pouvez le suivre par ses flux (page « Suivre »)."],
                503, links=[(self.cfg.site_url + "/suivre/", "Suivre le site")])
        address = follow.read_address(request.form.get("courriel", ""))
        scope = request.form.get("flux", "").strip().lstrip("/")
        rhythm = request.form.get("rythme", "chaque")
        errors = []
        if address is None:
            errors.append("Adresse électronique non valable : écrivez-la en entier, par exemple prenom@exemple.fr.")
        try:
            scopes = self.catalogue()
        except feedread.FeedError as exc:
            log.warning("[intake] the site's feed list could not be read: %s", exc)
            return self.unavailable(request)
        if scope not in scopes:
            errors.append("Ce flux n’existe pas sur le site : choisissez-en un dans la liste de la page « Suivre ».")
        if rhythm not in follow.RHYTHMS:
            errors.append("Choisissez « à chaque publication » ou « une fois par semaine ».")
        if errors:
            return self.message(request, "Abonnement non enregistré", errors, 422,
                                links=[(self.cfg.site_url + "/suivre/", "Revenir à la page « Suivre »")])
        network = spam.network_of(spam.client_address(self.cfg, request.environ))
        wait = spam.rate_limited(self.cfg, self.intake.db, network)
        if wait:
            response = self.message(request, "Trop de demandes", [
                "Beaucoup de demandes sont venues de votre réseau ces derniers temps. Réessayez plus tard."], 429)
            response.headers["Retry-After"] = str(wait)
            return response
        self.intake.db.hit(network)
        self.intake.follow.subscribe(address, scope, scopes[scope], rhythm)
        self.intake.on_enqueue()
        # The same answer whether the address was new, waiting or confirmed: nobody learns who follows what.
        return self.message(request, "Vérifiez votre boîte aux lettres", [
            f"Si l’adresse est valable, un message vient de lui être envoyé pour confirmer l’abonnement à « {scopes[scope]} ». "
            "Rien d’autre ne lui sera envoyé avant que vous ayez confirmé.",
            f"Sans confirmation, l’adresse est effacée dans {self.cfg.confirm_days} jours. Elle n’est jamais publiée "
            "ni confiée à un autre service ; chaque message contient un lien qui l’efface aussitôt."],
            202, links=[(self.cfg.site_url + "/", "Revenir sur le site")], data={"etape": "confirmation"})

    def _follow_signed(self, request: Request, purpose: str) -> str | None:
        ident = request.values.get("i", "")
        return ident if self.intake.follow.signed(purpose, ident, request.values.get("s", "")) else None

    def on_follow_confirm(self, request: Request) -> Response:
        ident = self._follow_signed(request, "confirm")
        if ident is None:
            return self.message(request, "Lien non valable", ["Ce lien est incomplet ou modifié. Copiez-le en entier "
                                                              "depuis le message reçu."], 400)
        if request.method == "GET":  # a link opened by a mail scanner confirms nothing: the reader clicks
            return self.page("follow_confirm.html", action=self.cfg.url(CONFIRM_PATH), ident=ident,
                             signature=request.values.get("s", ""), title="Confirmer votre abonnement",
                             button="Confirmer", text="Cliquez pour recevoir désormais les nouvelles publications "
                                                      "par e-mail.")
        if not self.intake.follow.confirm(ident):
            return self.message(request, "Lien expiré", [
                "Cette demande n’est plus conservée (le délai de confirmation est passé, ou l’adresse a été effacée). "
                "Vous pouvez vous abonner de nouveau depuis la page « Suivre » du site."], 410,
                links=[(self.cfg.site_url + "/suivre/", "Suivre le site")])
        sub = self.intake.follow.subscription(ident)
        return self.message(request, "Abonnement confirmé", [
            f"Vous recevrez « {sub['scope_title']} » par e-mail, à partir de la prochaine publication.",
            "Chaque message contient un lien qui efface votre adresse aussitôt."],
            links=[(self.cfg.site_url + "/", "Revenir sur le site")], data={"confirme": True})

    def on_follow_leave(self, request: Request) -> Response:
        ident = self._follow_signed(request, "leave")
        if ident is None:
            return self.message(request, "Lien non valable", ["Ce lien est incomplet ou modifié : rien n’a été "
                                                              "effacé. Copiez-le en entier depuis le message reçu."], 400)
        self.intake.follow.forget(ident)
        return self.message(request, "Adresse effacée", [
            "Votre adresse électronique est effacée, avec tous ses abonnements : nous ne vous écrirons plus."],
            links=[(self.cfg.site_url + "/", "Revenir sur le site")], data={"efface": True})

    def on_follow_one_click(self, request: Request) -> Response:
        ident = self._follow_signed(request, "leave")
        if ident is not None and request.method == "GET":  # RFC 8058: only a POST unsubscribes
            return self.page("follow_confirm.html", action=self.cfg.url(LEAVE_PATH), ident=ident,
                             signature=request.values.get("s", ""), title="Ne plus recevoir de messages",
                             button="Effacer mon adresse", text="Votre adresse et tous ses abonnements seront "
                                                                 "effacés aussitôt.")
        return self.on_follow_leave(request)


def create_app(cfg: IntakeConfig, start: bool = True) -> IntakeApp:
    """The WSGI app for this config; with start, its background threads run (queue, periodic round)."""
    from .worker import Workers

    intake = Intake(cfg)
    app = IntakeApp(intake)
    app.workers = Workers(intake)
    if start:
        app.workers.start()
    return app

