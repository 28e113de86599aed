#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go modules beside this script into $1.
# Builds are cached per machine, keyed by the modules' go.mod/go.sum and entry points, so a
# fresh clone (CI) copies instead of compiling for ~10 minutes.
set -euo pipefail
out=${1:?usage: build-go-tools.sh <bin-dir>}
here=$(cd "$(dirname "$0")" && pwd)
kube_version=v1.36.3
cache_root=${CALICOKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/calicokit}

command -v go >/dev/null || { echo "error: Go is not installed; the test control plane is built from Go modules (Go >= 1.26 and a Go module proxy are needed)" >&2; exit 1; }

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

build_module() { # <module dir> <binary names...>
  local dir=$1; shift
  local key
  key=$(cat "$here/$dir/go.mod" "$here/$dir/go.sum" $(find "$here/$dir" -name '*.go' | sort) "$0" | sha256sum | cut -c1-16)
  local cached="$cache_root/go-bin/$dir-$key"
  if [ ! -f "$cached/.complete" ]; then
    echo "building $* from tools/$dir (first time on this machine: several minutes)" >&2
    rm -rf "$cached"; mkdir -p "$cached"
    local ldflags="-s -w"
    if [ "$dir" = kubernetes ]; then
      local minor=${kube_version#v1.}; minor=${minor%%.*}
      ldflags="$ldflags -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
    fi
    local pkgs=()
    for b in "$@"; do if [ -d "$here/$dir/cmd/$b" ]; then pkgs+=("./cmd/$b"); else pkgs+=("."); fi; done
    (cd "$here/$dir" && go build -trimpath -ldflags "$ldflags" -o "$cached/" "${pkgs[@]}")
    touch "$cached/.complete"
  fi
  mkdir -p "$out"
  for b in "$@"; do cp -f "$cached/$b" "$out/$b.tmp" && mv -f "$out/$b.tmp" "$out/$b"; done
}

build_module etcd etcd
build_module kubernetes kube-apiserver kubectl
