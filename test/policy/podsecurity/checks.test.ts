/**
 * The checks' tricky semantics, pod in, violations out: version boundaries, Windows exemptions,
 * user-namespace waivers, pod-level versus container-level fields, annotations versus fields,
 * Go-typed values, and the shape of each violation (rule, path, container, wording).
 */
import { describe, expect, test } from "@jest/globals";
import { judge, pod, RESTRICTED_POD, restrictedPodWith, rules, where } from "./judge.js";

describe("violations", () => {
  test("carry the check id, the offending field's path, the container, upstream's wording and the rule's fix", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        containers:
        - name: "1"
          image: nginx
          securityContext: {privileged: true}`,
    );
    expect(violations).toEqual([
      {
        rule: "privileged",
        path: ["spec", "containers", 0, "securityContext", "privileged"],
        container: "1",
        message:
          'privileged (container "1" must not set securityContext.privileged=true). Remove securityContext.privileged or set it to false.',
        fix: {
          description: "Set privileged to false.",
          edits: [{ op: "set", path: ["spec", "containers", 0, "securityContext", "privileged"], value: false }],
        },
      },
    ]);
  });

  test("are one per offending field, so each gets its own line", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        hostNetwork: true
        hostPID: true
        containers:
        - name: app
          image: nginx
          ports: [{containerPort: 80, hostPort: 80}, {containerPort: 81}, {containerPort: 443, hostPort: 443}]`,
    );
    expect(where(violations)).toEqual([
      "hostNamespaces spec.hostNetwork",
      "hostNamespaces spec.hostPID",
      "hostPorts spec.containers.0.ports.0.hostPort",
      "hostPorts spec.containers.0.ports.2.hostPort",
    ]);
    expect(violations[1]!.message).toMatch(/^host namespaces \(hostPID=true\)\. /);
    expect(violations[3]!.message).toMatch(/^hostPort \(container "app" uses hostPort 443\)\. /);
  });

  test("point at where a missing required field belongs", () => {
    const violations = judge(
      "restricted",
      "latest",
      `
      spec:
        containers: [{name: app, image: nginx}]`,
    );
    expect(where(violations)).toEqual([
      "allowPrivilegeEscalation spec.containers.0.securityContext.allowPrivilegeEscalation",
      "runAsNonRoot spec.containers.0.securityContext.runAsNonRoot",
      "seccompProfile_restricted spec.containers.0.securityContext.seccompProfile",
      "capabilities_restricted spec.containers.0.securityContext.capabilities.drop",
    ]);
    expect(violations[1]!.message).toContain('runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)');
    expect(violations[3]!.message).toContain(
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    );
  });

  test("cover init, regular and ephemeral containers, in that order", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        containers: [{name: c, image: x, securityContext: {privileged: true}}]
        ephemeralContainers: [{name: e, image: x, securityContext: {privileged: true}}]
        initContainers: [{name: i, image: x, securityContext: {privileged: true}}]`,
    );
    expect(violations.map((v) => v.container)).toEqual(["i", "c", "e"]);
    expect(violations.map((v) => v.path[1])).toEqual(["initContainers", "containers", "ephemeralContainers"]);
  });
});

describe("values are read as the API server's typed structs", () => {
  test("YAML 1.1 booleans are booleans (yes is true)", () => {
    expect(
      rules(
        judge(
          "baseline",
          "latest",
          `
      spec:
        hostIPC: yes
        containers: [{name: app, image: x, securityContext: {privileged: on}}]`,
        ),
      ),
    ).toEqual(["privileged", "hostNamespaces"]);
  });

  test("a value of the wrong type is no value (the API server would refuse the object)", () => {
    expect(
      judge(
        "baseline",
        "latest",
        `
      spec:
        hostPID: "true"
        containers:
        - name: app
          image: x
          ports: [{hostPort: "8080"}]
          securityContext: {privileged: "true", procMount: 1}`,
      ),
    ).toEqual([]);
  });

  test("null is unset", () => {
    expect(judge("restricted", "latest", restrictedPodWith({ hostUsers: null, volumes: null }))).toEqual([]);
  });

  test("a required field of the wrong type is still missing", () => {
    const violations = judge(
      "restricted",
      "latest",
      `
      spec:
        securityContext: {runAsNonRoot: "true", seccompProfile: {type: RuntimeDefault}}
        containers: [{name: app, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]`,
    );
    expect(where(violations)).toEqual(["runAsNonRoot spec.containers.0.securityContext.runAsNonRoot"]);
  });
});

describe("version boundaries", () => {
  test("sysctls: the safe set grows at v1.27, v1.29, v1.32 and v1.37", () => {
    const withSysctl = (name: string) => `
      spec:
        securityContext: {sysctls: [{name: ${name}, value: "1"}]}
        containers: [{name: app, image: x}]`;
    const boundaries: [string, string][] = [
      ["net.ipv4.ip_local_reserved_ports", "v1.27"],
      ["net.ipv4.tcp_keepalive_time", "v1.29"],
      ["net.ipv4.tcp_fin_timeout", "v1.29"],
      ["net.ipv4.tcp_rmem", "v1.32"],
      ["net.ipv4.tcp_wmem", "v1.32"],
      ["net.ipv4.tcp_slow_start_after_idle", "v1.37"],
      ["net.ipv4.tcp_notsent_lowat", "v1.37"],
    ];
    for (const [name, since] of boundaries) {
      const before = `v1.${Number(since.slice(3)) - 1}`;
      expect(where(judge("baseline", before, withSysctl(name)))).toEqual(["sysctls spec.securityContext.sysctls.0.name"]);
      expect(judge("baseline", since, withSysctl(name))).toEqual([]);
    }
    expect(judge("baseline", "v1.0", withSysctl("kernel.shm_rmid_forced"))).toEqual([]);
    expect(judge("baseline", "latest", withSysctl("kernel.msgmax"))[0]!.message).toMatch(/^forbidden sysctls \(kernel\.msgmax\)/);
  });

  test("seLinuxOptions: container_engine_t is allowed from v1.31, container_kvm_t always", () => {
    const withType = (type: string) => `
      spec:
        securityContext: {seLinuxOptions: {type: ${type}}}
        containers: [{name: app, image: x}]`;
    expect(where(judge("baseline", "v1.30", withType("container_engine_t")))).toEqual([
      "seLinuxOptions spec.securityContext.seLinuxOptions.type",
    ]);
    expect(judge("baseline", "v1.31", withType("container_engine_t"))).toEqual([]);
    expect(judge("baseline", "v1.0", withType("container_kvm_t"))).toEqual([]);
  });

  test("seLinuxOptions: user and role are each their own violation", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        containers: [{name: app, image: x, securityContext: {seLinuxOptions: {type: spc_t, user: u, role: r}}}]`,
    );
    expect(where(violations)).toEqual([
      "seLinuxOptions spec.containers.0.securityContext.seLinuxOptions.type",
      "seLinuxOptions spec.containers.0.securityContext.seLinuxOptions.user",
      "seLinuxOptions spec.containers.0.securityContext.seLinuxOptions.role",
    ]);
    expect(violations[0]!.message).toContain('container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"');
  });

  test("hostProbesAndHostLifecycle exists from v1.34 and covers probes and hooks", () => {
    const probing = `
      spec:
        containers:
        - name: app
          image: x
          livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}
          readinessProbe: {tcpSocket: {host: "", port: 80}}
          lifecycle: {preStop: {tcpSocket: {host: metadata.internal, port: 1}}}`;
    expect(judge("baseline", "v1.33", probing)).toEqual([]);
    const violations = judge("baseline", "v1.34", probing);
    expect(where(violations)).toEqual([
      "hostProbesAndHostLifecycle spec.containers.0.livenessProbe.httpGet.host",
      "hostProbesAndHostLifecycle spec.containers.0.lifecycle.preStop.tcpSocket.host",
    ]);
    expect(violations[0]!.message).toContain('probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")');
  });

  test("restricted checks before they existed: allowPrivilegeEscalation from v1.8, runAsUser from v1.23", () => {
    const lax = restrictedPodWith({
      securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "app", image: "x", securityContext: { capabilities: { drop: ["ALL"] } } }],
      initContainers: [],
    });
    expect(rules(judge("restricted", "v1.7", lax))).toEqual([]);
    expect(rules(judge("restricted", "v1.8", lax))).toEqual(["allowPrivilegeEscalation"]);
    expect(rules(judge("restricted", "v1.22", lax))).toEqual(["allowPrivilegeEscalation"]);
    expect(rules(judge("restricted", "v1.23", lax))).toEqual(["allowPrivilegeEscalation", "runAsUser"]);
  });
});

describe("capabilities", () => {
  const adding = (capabilities: string) => `
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: x
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: ${capabilities}`;

  test("baseline allows the default set; restricted (from v1.22) only NET_BIND_SERVICE after dropping ALL", () => {
    const chown = adding("{add: [CHOWN, NET_BIND_SERVICE]}");
    expect(judge("baseline", "latest", chown)).toEqual([]);
    expect(rules(judge("restricted", "v1.21", chown))).toEqual([]);
    expect(where(judge("restricted", "v1.22", chown))).toEqual([
      "capabilities_restricted spec.containers.0.securityContext.capabilities.drop",
      "capabilities_restricted spec.containers.0.securityContext.capabilities.add.0",
    ]);
    expect(judge("restricted", "latest", adding("{drop: [ALL], add: [NET_BIND_SERVICE]}"))).toEqual([]);
  });

  test("each forbidden added capability is its own violation, with baseline's wording", () => {
    const violations = judge("baseline", "latest", adding("{add: [SYS_ADMIN, CHOWN, NET_RAW]}"));
    expect(where(violations)).toEqual([
      "capabilities_baseline spec.containers.0.securityContext.capabilities.add.0",
      "capabilities_baseline spec.containers.0.securityContext.capabilities.add.2",
    ]);
    expect(violations[1]!.message).toContain(
      'non-default capabilities (container "app" must not include "NET_RAW" in securityContext.capabilities.add)',
    );
  });
});

describe("Windows pods (spec.os.name: windows)", () => {
  const windowsPod = `
    spec:
      os: {name: windows}
      securityContext: {runAsNonRoot: true}
      containers: [{name: app, image: x}]`;

  test("are exempt from allowPrivilegeEscalation, seccompProfile and capabilities from v1.25", () => {
    expect(rules(judge("restricted", "v1.24", windowsPod))).toEqual([
      "allowPrivilegeEscalation",
      "seccompProfile_restricted",
      "capabilities_restricted",
    ]);
    expect(judge("restricted", "v1.25", windowsPod)).toEqual([]);
    expect(judge("restricted", "latest", windowsPod)).toEqual([]);
  });

  test("still need runAsNonRoot", () => {
    const rooted = pod(windowsPod);
    (rooted["spec"] as { securityContext: object }).securityContext = {};
    expect(rules(judge("restricted", "latest", rooted))).toEqual(["runAsNonRoot"]);
  });

  test("are a Windows pod only when os.name is exactly windows", () => {
    expect(rules(judge("restricted", "latest", windowsPod.replace("name: windows", "name: Windows")))).toContain(
      "allowPrivilegeEscalation",
    );
  });

  test("must not be HostProcess, at pod or container level", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        os: {name: windows}
        securityContext: {windowsOptions: {hostProcess: true}}
        containers: [{name: app, image: x, securityContext: {windowsOptions: {hostProcess: true}}}]`,
    );
    expect(where(violations)).toEqual([
      "windowsHostProcess spec.securityContext.windowsOptions.hostProcess",
      "windowsHostProcess spec.containers.0.securityContext.windowsOptions.hostProcess",
    ]);
    expect(violations[0]!.message).toContain("hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)");
  });
});

describe("user namespaces (hostUsers: false)", () => {
  const rootInUserNamespace = (hostUsers: boolean) =>
    restrictedPodWith({
      hostUsers,
      securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
    });

  test("waive runAsNonRoot and runAsUser from v1.35 only", () => {
    expect(rules(judge("restricted", "v1.34", rootInUserNamespace(false)))).toEqual(["runAsNonRoot", "runAsNonRoot", "runAsUser"]);
    expect(judge("restricted", "v1.35", rootInUserNamespace(false))).toEqual([]);
    expect(rules(judge("restricted", "v1.35", rootInUserNamespace(true)))).toEqual(["runAsNonRoot", "runAsNonRoot", "runAsUser"]);
  });

  const unmasked = (hostUsers: boolean) => `
    spec:
      hostUsers: ${hostUsers}
      containers: [{name: app, image: x, securityContext: {procMount: Unmasked}}]`;

  test("waive baseline procMount from v1.35 only", () => {
    expect(where(judge("baseline", "v1.34", unmasked(false)))).toEqual(["procMount spec.containers.0.securityContext.procMount"]);
    expect(judge("baseline", "v1.35", unmasked(false))).toEqual([]);
    expect(rules(judge("baseline", "v1.35", unmasked(true)))).toEqual(["procMount"]);
  });

  test("do not waive procMount at restricted, where procMount_restricted takes over from v1.35", () => {
    const procMountRules = (version: string) =>
      rules(judge("restricted", version, unmasked(false))).filter((rule) => rule?.startsWith("procMount"));
    expect(procMountRules("v1.34")).toEqual(["procMount"]);
    expect(procMountRules("v1.35")).toEqual(["procMount_restricted"]);
    expect(judge("restricted", "latest", unmasked(false)).find((v) => v.rule === "procMount_restricted")!.message).toContain(
      'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
    );
  });
});

describe("runAsNonRoot: pod level versus container level", () => {
  const withContext = (podContext: string, app: string, init: string) => `
    spec:
      securityContext: {seccompProfile: {type: RuntimeDefault}, ${podContext}}
      initContainers:
      - {name: init, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, ${init}}}
      containers:
      - {name: app, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, ${app}}}`;

  test("pod-level true covers containers that leave it unset", () => {
    expect(judge("restricted", "latest", withContext("runAsNonRoot: true", "", ""))).toEqual([]);
  });

  test("every container may set it instead of the pod", () => {
    expect(judge("restricted", "latest", withContext("", "runAsNonRoot: true", "runAsNonRoot: true"))).toEqual([]);
  });

  test("without pod-level true, each container that leaves it unset is a violation", () => {
    expect(where(judge("restricted", "latest", withContext("", "runAsNonRoot: true", "")))).toEqual([
      "runAsNonRoot spec.initContainers.0.securityContext.runAsNonRoot",
    ]);
  });

  test("explicit false is a violation at pod or container level, even under pod-level true", () => {
    const violations = judge("restricted", "latest", withContext("runAsNonRoot: true", "runAsNonRoot: false", ""));
    expect(where(violations)).toEqual(["runAsNonRoot spec.containers.0.securityContext.runAsNonRoot"]);
    expect(violations[0]!.message).toContain('container "app" must not set securityContext.runAsNonRoot=false');
    expect(where(judge("restricted", "latest", withContext("runAsNonRoot: false", "runAsNonRoot: true", "")))).toEqual([
      "runAsNonRoot spec.securityContext.runAsNonRoot",
      "runAsNonRoot spec.initContainers.0.securityContext.runAsNonRoot",
    ]);
  });

  test("runAsUser: 0 is a violation wherever it is set; unset is fine", () => {
    const violations = judge("restricted", "latest", withContext("runAsNonRoot: true, runAsUser: 0", "runAsUser: 0", "runAsUser: 1000"));
    expect(where(violations)).toEqual([
      "runAsUser spec.securityContext.runAsUser",
      "runAsUser spec.containers.0.securityContext.runAsUser",
    ]);
    expect(violations[0]!.message).toMatch(/^runAsUser=0 \(pod must not set runAsUser=0\)/);
  });
});

describe("seccomp: pod level versus container level, annotations versus fields", () => {
  const withSeccomp = (podProfile: string, appProfile: string) => `
    spec:
      securityContext: {runAsNonRoot: true, ${podProfile}}
      containers:
      - {name: app, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, ${appProfile}}}`;

  test("restricted: a valid pod-level profile covers containers; a container may override it with another valid one", () => {
    expect(judge("restricted", "latest", withSeccomp("seccompProfile: {type: RuntimeDefault}", ""))).toEqual([]);
    expect(
      judge(
        "restricted",
        "latest",
        withSeccomp("seccompProfile: {type: RuntimeDefault}", "seccompProfile: {type: Localhost, localhostProfile: p.json}"),
      ),
    ).toEqual([]);
    expect(judge("restricted", "latest", withSeccomp("", "seccompProfile: {type: RuntimeDefault}"))).toEqual([]);
  });

  test("restricted: Unconfined anywhere is a violation at that field", () => {
    const violations = judge(
      "restricted",
      "latest",
      withSeccomp("seccompProfile: {type: RuntimeDefault}", "seccompProfile: {type: Unconfined}"),
    );
    expect(where(violations)).toEqual(["seccompProfile_restricted spec.containers.0.securityContext.seccompProfile.type"]);
    expect(violations[0]!.message).toContain('container "app" must not set securityContext.seccompProfile.type to "Unconfined"');
  });

  test("restricted: an invalid pod-level profile covers nothing", () => {
    expect(where(judge("restricted", "latest", withSeccomp("seccompProfile: {type: Unconfined}", "")))).toEqual([
      "seccompProfile_restricted spec.securityContext.seccompProfile.type",
      "seccompProfile_restricted spec.containers.0.securityContext.seccompProfile",
    ]);
  });

  test("restricted: a profile without a type is not a valid profile", () => {
    expect(where(judge("restricted", "latest", withSeccomp("seccompProfile: {}", "")))).toContain(
      "seccompProfile_restricted spec.securityContext.seccompProfile.type",
    );
  });

  test("baseline before v1.19 reads the alpha annotations, from v1.19 the fields", () => {
    const both = `
      metadata:
        annotations:
          seccomp.security.alpha.kubernetes.io/pod: unconfined
          container.seccomp.security.alpha.kubernetes.io/app: docker/default
          container.seccomp.security.alpha.kubernetes.io/gone: unconfined
      spec:
        securityContext: {seccompProfile: {type: Unconfined}}
        containers: [{name: app, image: x}]`;
    const before = judge("baseline", "v1.18", both);
    expect(where(before)).toEqual(["seccompProfile_baseline metadata.annotations.seccomp.security.alpha.kubernetes.io/pod"]);
    expect(before[0]!.path).toEqual(["metadata", "annotations", "seccomp.security.alpha.kubernetes.io/pod"]);
    expect(before[0]!.message).toContain('seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
    expect(where(judge("baseline", "v1.19", both))).toEqual(["seccompProfile_baseline spec.securityContext.seccompProfile.type"]);
  });

  test("restricted before v1.19 applies the baseline annotation rule", () => {
    const annotated = pod(RESTRICTED_POD);
    annotated["metadata"] = { annotations: { "container.seccomp.security.alpha.kubernetes.io/app": "unconfined" } };
    expect(rules(judge("restricted", "v1.18", annotated))).toEqual(["seccompProfile_baseline"]);
    expect(judge("restricted", "v1.18", annotated)[0]!.container).toBe("app");
    expect(judge("restricted", "v1.19", annotated)).toEqual([]);
  });
});

describe("AppArmor: annotation and field", () => {
  test("the deprecated annotation is checked at every version, attributed to its container", () => {
    const annotated = `
      metadata:
        annotations:
          container.apparmor.security.beta.kubernetes.io/app: unconfined
          container.apparmor.security.beta.kubernetes.io/init: localhost/custom
          container.apparmor.security.beta.kubernetes.io/sidecar: ""
      spec:
        initContainers: [{name: init, image: x}]
        containers: [{name: app, image: x}]`;
    for (const version of ["v1.0", "latest"]) {
      const violations = judge("baseline", version, annotated);
      expect(violations).toEqual([
        {
          rule: "appArmorProfile",
          path: ["metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"],
          container: "app",
          message: expect.stringMatching(
            /^forbidden AppArmor profile \(container\.apparmor\.security\.beta\.kubernetes\.io\/app="unconfined"\)\. /,
          ),
        },
      ]);
    }
  });

  test("the field must be RuntimeDefault or Localhost at pod and container level", () => {
    const violations = judge(
      "baseline",
      "latest",
      `
      spec:
        securityContext: {appArmorProfile: {type: Unconfined}}
        containers:
        - {name: app, image: x, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-x}}}
        - {name: side, image: x, securityContext: {appArmorProfile: {}}}`,
    );
    expect(where(violations)).toEqual([
      "appArmorProfile spec.securityContext.appArmorProfile.type",
      "appArmorProfile spec.containers.1.securityContext.appArmorProfile.type",
    ]);
    expect(violations[0]!.message).toContain('forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")');
    expect(violations[1]!.message).toContain('container "side" must not set AppArmor profile type to ""');
  });
});

describe("volumes", () => {
  test("baseline forbids hostPath volumes; restricted allows only the core non-host types", () => {
    const volumes = restrictedPodWith({
      volumes: [
        { name: "host", hostPath: { path: "/var/run" } },
        { name: "nfs", nfs: { server: "s", path: "/" } },
        { name: "defaulted" },
        { name: "img", image: { reference: "quay.io/x:1" } },
        { name: "cfg", configMap: { name: "c" } },
        { name: "eph", ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ],
    });
    const baseline = judge("baseline", "latest", volumes);
    expect(where(baseline)).toEqual(["hostPathVolumes spec.volumes.0.hostPath"]);
    expect(baseline[0]!.message).toMatch(/^hostPath volumes \(volume "host"\)\. /);

    const restricted = judge("restricted", "v1.0", volumes);
    expect(where(restricted)).toEqual(["restrictedVolumes spec.volumes.0.hostPath", "restrictedVolumes spec.volumes.1.nfs"]);
    expect(restricted[1]!.message).toMatch(/^restricted volume types \(volume "nfs" uses restricted volume type "nfs"\)\. /);
  });
});
