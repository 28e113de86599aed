import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createNamespace, grant, KubeHttp, serviceAccountToken } from "../src/index.js";

const cp = inject("controlPlanes").v3;
const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

describe("identities for tests", () => {
  it("gives a ServiceAccount a TokenRequest token that authenticates as it", async () => {
    const ns = `id-${randomUUID().slice(0, 8)}`;
    await createNamespace(admin, ns);
    const asAccount = admin.as(await serviceAccountToken(admin, ns, "migrator"));
    const review = await asAccount.request({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status).toBe(201);
    expect(
      review.json<{ status: { userInfo: { username: string } } }>().status.userInfo.username,
    ).toBe(`system:serviceaccount:${ns}:migrator`);
  });

  it("binds a namespaced Role that grants in its namespace only", async () => {
    const ns = `id-${randomUUID().slice(0, 8)}`;
    const other = `id-${randomUUID().slice(0, 8)}`;
    await createNamespace(admin, ns);
    await createNamespace(admin, other);
    const asAccount = admin.as(await serviceAccountToken(admin, ns, "reader"));
    await grant(admin, {
      name: "read-configmaps",
      namespace: ns,
      subject: { kind: "ServiceAccount", name: "reader", namespace: ns },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"] }],
    });
    const list = (namespace: string) => async () =>
      (
        await asAccount.request({
          method: "GET",
          path: `/api/v1/namespaces/${namespace}/configmaps`,
        })
      ).status;
    await expect.poll(list(ns)).toBe(200);
    expect(await list(other)()).toBe(403);
  });
});
