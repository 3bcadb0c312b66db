/** Manifests and configs shared by the app tests: small, readable, each line where the tests expect it. */
import { pino } from "pino";

export const silentLog = pino({ level: "silent" });

/** The OWASP K04 breakout pod: `hostPID: true` on line 6, `privileged: true` on line 13. */
export const BREAKOUT_POD = `apiVersion: v1
kind: Pod
metadata:
  name: r00t
spec:
  hostPID: true
  containers:
    - name: shell
      image: alpine
      command: ["nsenter", "--mount=/proc/1/ns/mnt", "--", "/bin/bash"]
      stdin: true
      securityContext:
        privileged: true
`;

/** Passes the Pod Security Standards at both levels. */
export const COMPLIANT_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: ["ALL"]}
`;

/** Baseline-compliant, but fails restricted (warn): runs as root-capable, no seccomp. */
export const BASELINE_ONLY_POD = `apiVersion: v1
kind: Pod
metadata:
  name: relaxed
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.27
`;

/** A pod with `count` containers each of which is privileged: 2+ findings per container. */
export function privilegedPods(count: number): string {
  const containers = Array.from(
    { length: count },
    (_, index) => `    - name: c${index}
      image: alpine
      securityContext:
        privileged: true
`,
  ).join("");
  return `apiVersion: v1
kind: Pod
metadata:
  name: many
spec:
  containers:
${containers}`;
}
