# Sourced by publish.yml and erase.yml, in the one step that pushes: git may then push over SSH to
# the PUBLIC repository with its deploy key (secret PUBLIC_DEPLOY_KEY, in $DEPLOY_KEY), checking
# GitHub's published host key. The key is written for this step only (the job's container is
# thrown away after it) and is never in a command line, a URL or the log.
if [ -z "${PUBLIC_REPOSITORY:-}" ] || [ -z "${DEPLOY_KEY:-}" ]; then
  echo "deploy: set the repository variable PUBLIC_REPOSITORY (owner/name of the public repository)" \
       "and the secret PUBLIC_DEPLOY_KEY (README, \"Publishing\")" >&2
  exit 1
fi
deploy_key="$RUNNER_TEMP/public-deploy-key"
(umask 077 && printf '%s\n' "$DEPLOY_KEY" > "$deploy_key")
unset DEPLOY_KEY
printf '%s\n' "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" \
  > "$RUNNER_TEMP/known_hosts"
git config --global core.sshCommand \
  "ssh -i '$deploy_key' -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='$RUNNER_TEMP/known_hosts'"
