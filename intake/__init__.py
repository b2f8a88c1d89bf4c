"""The intake service: readers' contributions and webmentions, reviewed in git.

A small WSGI application (``intake.wsgi:application``) that receives the
site's contribution form and webmentions, checks them with the same rules as
the build (plugins/community/store.py), keeps them in a durable local queue
and commits each one as ``content/contributions/<article>/<id>.md``
(``Status: pending``) on a branch of the site's repository, optionally with a
pull request. Moderators approve in that branch with the usual tasks and
merge: merging publishes. Nothing is published by the service itself.

Modules: ``config`` (environment variables), ``app`` (routes), ``form``
(fields, French messages, the store's checks), ``spam`` (honeypot, tokens,
rate limits, block lists, links), ``tokens`` (signatures), ``db`` (SQLite:
queue, submissions, addresses, rate counts), ``worker`` (the queue's jobs,
retried with backoff), ``gitrepo`` (clone, branch, commit, push),
``snapshot`` (the site as it is on the base branch), ``forge`` (GitHub pull
requests), ``mail`` (double opt-in, notices), ``webmention`` (verification),
``pages`` (the service's own French pages); following the site by e-mail:
``follow`` (subscriptions, the feeds' new entries queued per follower),
``feedread`` (the published feeds, read over HTTP with defusedxml),
``letters`` (the followers' messages) and ``sender`` (their durable queue).
"""
