#!/bin/bash
# A stand-in for eclipse-temurin:17-jre where no container registry can be reached: Debian bookworm with
# Debian's OpenJDK 17 JRE, made by debootstrap (root, and a Debian mirror), saved as a docker-archive tar
# that Jib takes as its base: ./mvnw compile jib:buildTar -Djib.from.image=tar://$OUT/base.tar
# Usage: build-base.sh OUT_DIR [MIRROR]
set -euo pipefail
out=$(realpath -m "$1"); mirror=${2:-http://deb.debian.org/debian}
mkdir -p "$out" && cd "$out"
rm -rf rootfs layer && mkdir layer
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm rootfs "$mirror"
rm -rf rootfs/var/cache/apt/archives/*.deb rootfs/var/lib/apt/lists/*
tar -C rootfs --numeric-owner -cf layer/layer.tar .
digest=$(sha256sum layer/layer.tar | cut -d' ' -f1)
cat > layer/config.json <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$digest"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["debian-bookworm-jre17:local"],"Layers":["layer.tar"]}]' \
    > layer/manifest.json
tar -C layer -cf base.tar manifest.json config.json layer.tar
rm -rf rootfs layer
echo "$out/base.tar"
