#!/usr/bin/env bash
# Builds the sample repository that docs/policy.md runs `ferry check` on: a small
# OpenStack-style service ("acme") with main and three stable branches, newest first
# 2026.1, 2025.2, 2025.1. Identities and dates are fixed, so the commit ids are the same
# on every machine. Usage: build-sample-repo.sh DIR (DIR must not exist or be empty).
set -euo pipefail

dir=${1:?usage: build-sample-repo.sh DIR}
mkdir -p "$dir"
cd "$dir"

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME='Ada Author' GIT_AUTHOR_EMAIL='ada@example.org'
export GIT_COMMITTER_NAME='Ada Author' GIT_COMMITTER_EMAIL='ada@example.org'
clock=1740000000 # 2025-02-19

tick() {
  clock=$((clock + 86400))
  export GIT_AUTHOR_DATE="$clock +0000" GIT_COMMITTER_DATE="$clock +0000"
}

commit() { # commit MESSAGE: stage everything and commit
  tick
  git add -A
  git commit -q --no-verify -m "$1"
}

pick() { # pick COMMIT: a stable backport as humans make it, with the -x provenance line
  tick
  git cherry-pick -x "$1" >/dev/null
}

git init -q -b main

mkdir -p acme/compute acme/db/main/migrations/versions acme/tests/unit doc/source
cat > acme/compute/manager.py <<'EOF'
import logging

LOG = logging.getLogger(__name__)


def detach_volume(instance, volume):
    instance.volumes.remove(volume)
    LOG.info("Detached volume %s", volume)


def resize(instance, flavor):
    instance.flavor = flavor
EOF
cat > acme/compute/console.py <<'EOF'
def console_url(instance, token):
    return "https://console.example.org/?token=%s" % token
EOF
cat > acme/db/main/models.py <<'EOF'
class Instance:
    __tablename__ = "instances"
    host = "String(255)"
EOF
cat > acme/db/main/migrations/versions/0001_initial.py <<'EOF'
revision = "0001"
down_revision = None


def upgrade():
    op.create_table("instances")
EOF
cat > acme/tests/unit/test_manager.py <<'EOF'
def test_detach():
    pass
EOF
printf 'pbr>=5.8.0 # Apache-2.0\nSQLAlchemy>=1.4.13 # MIT\n' > requirements.txt
printf 'Acme compute\n============\n' > doc/source/index.rst
commit 'Initial import

Change-Id: I0000000000000000000000000000000000000001'

# Release 2025.1, then 2025.2, then 2026.1: each stable branch is cut from main.
git branch stable/2025.1
printf '\n\ndef shelve(instance):\n    instance.shelved = True\n' >> acme/compute/manager.py
commit 'Add shelve

Implements: blueprint shelve
Change-Id: I0000000000000000000000000000000000000002'
git branch stable/2025.2
printf '\n\ndef unshelve(instance):\n    instance.shelved = False\n' >> acme/compute/manager.py
commit 'Add unshelve

Implements: blueprint unshelve
Change-Id: I0000000000000000000000000000000000000003'
git branch stable/2026.1

# A security fix, backported to 2026.1 already.
sed -i 's|return "https://console.example.org/?token=%s" % token|if instance.locked:\n        raise PermissionError(instance)\n    return "https://console.example.org/?token=%s" % token|' acme/compute/console.py
commit 'Check the lock before handing out console tokens

A locked instance still gave out console URLs to any project member.

CVE-2026-11111
Closes-Bug: #2100001
Change-Id: I1000000000000000000000000000000000000001'
git tag console-lock-fix

# A plain bug fix, backported to 2026.1 and 2025.2.
sed -i 's|    instance.volumes.remove(volume)|    if volume in instance.volumes:\n        instance.volumes.remove(volume)|' acme/compute/manager.py
commit 'Do not fail detach of a volume that is already gone

Closes-Bug: #2100002
Change-Id: I1000000000000000000000000000000000000002'
git tag detach-race-fix

# A bug fix that needs a schema change.
cat > acme/db/main/migrations/versions/0002_instances_host_index.py <<'EOF'
revision = "0002"
down_revision = "0001"


def upgrade():
    op.create_index("instances_host_idx", "instances", ["host"])
EOF
commit 'Index instances by host

Listing instances per host scanned the whole table.

Closes-Bug: #2100003
Change-Id: I1000000000000000000000000000000000000003'
git tag host-index-fix

# A second security fix, backported to 2026.1 only so far.
sed -i 's|    instance.flavor = flavor|    if flavor.disk < instance.flavor.disk:\n        raise ValueError("cannot shrink the disk")\n    instance.flavor = flavor|' acme/compute/manager.py
commit 'Refuse resize to a smaller disk

Shrinking the disk truncated another tenant'"'"'s data on shared storage.

CVE-2026-22222
Closes-Bug: #2100004
Change-Id: I1000000000000000000000000000000000000004'
git tag resize-shrink-fix

git checkout -q stable/2026.1
pick console-lock-fix
pick detach-race-fix
pick resize-shrink-fix
git checkout -q stable/2025.2
pick detach-race-fix
git checkout -q main
