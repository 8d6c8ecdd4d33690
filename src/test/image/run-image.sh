#!/bin/bash
# Runs the Jib image tar as Kubernetes runs k8s/overlays/example, without a container engine: the image's
# layers unpacked as a read-only root, its entrypoint and user, the overlay's environment, a writable /tmp,
# the config and API-key directories mounted read-only where the Deployment mounts them, no capabilities, no
# new privileges, the overlay's memory limit as a memory cgroup (v1), and Java as PID 1 of its own PID
# namespace (so `kill -TERM` reaches it as the kubelet's would). Needs root, kubectl, python3 with PyYAML.
#
# Usage: run-image.sh IMAGE_TAR WORK_DIR CONFIG_DIR SECRETS_DIR [NAME=VALUE ...]
#   CONFIG_DIR is mounted at /config (application.yml), SECRETS_DIR at /etc/sluice/secrets (api-keys.yml);
#   NAME=VALUE pairs are added to the environment last (the database URL and the S3 endpoint of this machine).
#   Secret values: DB_PASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; OVERLAY (default k8s/overlays/example).
set -euo pipefail
here=$(dirname "$(realpath "$0")"); repo=$(realpath "$here/../../..")
image=$(realpath "$1"); work=$(realpath -m "$2"); config=$(realpath "$3"); secrets=$(realpath "$4"); shift 4
root=$work/rootfs
rm -rf "$work/image" "$root" && mkdir -p "$work/image" "$root"
tar -C "$work/image" -xf "$image"
for layer in $(python3 -c "import json,sys;print(' '.join(json.load(open(sys.argv[1]))[0]['Layers']))" \
        "$work/image/manifest.json"); do
    tar -C "$root" --warning=no-unknown-keyword -xzf "$work/image/$layer"
done
{
    python3 "$here/container-env.py" "$work/image/config.json" "${OVERLAY:-$repo/k8s/overlays/example}" \
        sluice-database/password="${DB_PASSWORD:-}" sluice-s3/access-key-id="${AWS_ACCESS_KEY_ID:-}" \
        sluice-s3/secret-access-key="${AWS_SECRET_ACCESS_KEY:-}"
    for pair in "$@"; do echo "$pair"; done
} > "$work/env"
python3 -c "import json,sys;print('\n'.join(json.load(open(sys.argv[1]))['config']['Entrypoint']))" \
    "$work/image/config.json" > "$work/entrypoint"
user=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['config']['User'])" "$work/image/config.json")
memory=$(kubectl kustomize "${OVERLAY:-$repo/k8s/overlays/example}" | python3 -c "
import sys, yaml
d = next(d for d in yaml.safe_load_all(sys.stdin) if d['kind'] == 'Deployment')
m = d['spec']['template']['spec']['containers'][0]['resources']['limits']['memory']
units = {'Ki': 2**10, 'Mi': 2**20, 'Gi': 2**30}
print(int(m[:-2]) * units[m[-2:]] if m[-2:] in units else int(m))")
mkdir -p "$root/config" "$root/etc/sluice/secrets"
cgroup=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)/sluice-image-$$
mkdir "$cgroup" && echo "$memory" > "$cgroup/memory.limit_in_bytes" && echo $$ > "$cgroup/cgroup.procs"
echo "run-image: user $user, memory limit $memory bytes, root $root (read-only)" >&2
export root work config secrets user
exec unshare --mount --pid --fork bash -c '
    set -e
    mount --make-rprivate /
    mount --bind "$root" "$root" && mount -o remount,bind,ro "$root"
    mount -t tmpfs -o mode=1777,size=256m tmpfs "$root/tmp"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount --bind "$config" "$root/config" && mount -o remount,bind,ro "$root/config"
    mount --bind "$secrets" "$root/etc/sluice/secrets" && mount -o remount,bind,ro "$root/etc/sluice/secrets"
    mapfile -t environment < "$work/env"; mapfile -t entrypoint < "$work/entrypoint"
    exec chroot "$root" setpriv --reuid="${user%%:*}" --regid="${user#*:}" --clear-groups --no-new-privs \
        --inh-caps=-all --bounding-set=-all env -i "${environment[@]}" "${entrypoint[@]}"'
