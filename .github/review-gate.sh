# Run by publish.yml and erase.yml before anything is deployed from main: the review gate
# (scripts/publishing/reviewgate.py; README, "The desk against GitHub, and what it costs"). It reads
# the last deployed source commit from the PUBLIC repository's gh-pages, anonymously (that repository
# is public: no key is needed), and exits non-zero, naming each file, its commit and the fix, when a
# file changed since then did not reach main through a pull request its owners approved.
set -eu
git config --global --add safe.directory "$GITHUB_WORKSPACE"
: "${PUBLIC_REPOSITORY:?set the repository variable PUBLIC_REPOSITORY (README, Publishing)}"
# REVIEW_SINCE (optional): used only until the first publish, the commit from which changes need review.
exec python3 scripts/publishing/reviewgate.py --published "${GITHUB_SERVER_URL}/${PUBLIC_REPOSITORY}.git" \
  --branch gh-pages ${REVIEW_SINCE:+--since "$REVIEW_SINCE"}
