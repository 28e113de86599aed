// Command etcd is the upstream etcd server entry point, kept in its own module so
// its gRPC and OpenTelemetry versions do not have to agree with Kubernetes'.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
