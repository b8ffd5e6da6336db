//go:build e2e

package backup

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/kubernetes"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// tokensPerPod: a pod's first token, the kubelet's rotation, the restored
// pod's (same name); zk-0 also gets one STS refuses (checkRotation).
const tokensPerPod = 3

// apiServerTokens gets the pods' ServiceAccount tokens where the kubelet
// does, from a real kube-apiserver's TokenRequest API, and the issuer and
// JWKS that the STS verifies them against (what IAM reads from the
// cluster's OIDC discovery). The rendered ServiceAccount and the member
// pods (their StatefulSet's template, admitted by the PodSecurity plugin
// at restricted) are created first, so the tokens are bound to the pods
// like the kubelet's. The control plane stops before ZooKeeper starts.
func apiServerTokens(t *testing.T, in *keylessInput, rendered string) {
	r := zkrun.Parse(t, []byte(rendered))
	sts := r.StatefulSet
	ns, sa := sts.Namespace, sts.Spec.Template.Spec.ServiceAccountName
	aud, exp := projectedToken(t, sts.Spec.Template.Spec)
	t.Run("tokens", func(t *testing.T) {
		c := kubernetes.StartCluster(t, kubernetes.Options{ControlPlaneOnly: true})
		kubectl := func(stdin []byte, args ...string) string {
			out, stderr, err := c.Kubectl(stdin, args...)
			if err != nil {
				t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr)
			}
			return out
		}
		kubectl(nil, "create", "namespace", ns)
		kubectl(nil, "label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted")
		kubectl([]byte(docOfKind(t, rendered, "ServiceAccount")), "apply", "-f", "-")
		in.Tokens = map[string][]string{}
		for i := 0; i < int(*sts.Spec.Replicas); i++ {
			pod := fmt.Sprintf("%s-%d", sts.Name, i)
			kubectl(memberPod(t, r, pod), "create", "-f", "-")
			for j := 0; j < tokensPerPod; j++ {
				tok := strings.TrimSpace(kubectl(nil, "create", "token", sa, "-n", ns, "--audience", aud,
					"--duration", strconv.FormatInt(exp, 10)+"s", "--bound-object-kind", "Pod", "--bound-object-name", pod))
				in.Tokens[pod] = append(in.Tokens[pod], tok)
			}
		}
		// zk-0's second token is for the API server's default audience
		// (its issuer), which the S3 server's STS refuses: the kubelet's
		// rotation hands it to the sidecar (keyless.checkRotation), and
		// a third, valid one follows. Another ServiceAccount's token is
		// for the trust policy's subject condition (keyless.checkTrust).
		first := in.Tokens[sts.Name+"-0"]
		in.WrongAudience = strings.TrimSpace(kubectl(nil, "create", "token", sa, "-n", ns,
			"--duration", strconv.FormatInt(exp, 10)+"s", "--bound-object-kind", "Pod", "--bound-object-name", sts.Name+"-0"))
		in.Tokens[sts.Name+"-0"] = append([]string{first[0], in.WrongAudience}, first[1:]...)
		kubectl(nil, "create", "serviceaccount", "other", "-n", ns)
		in.OtherSubject = strings.TrimSpace(kubectl(nil, "create", "token", "other", "-n", ns, "--audience", aud))
		in.JWKS = json.RawMessage(kubectl(nil, "get", "--raw", "/openid/v1/jwks"))
		var disc struct{ Issuer string }
		must(t, json.Unmarshal([]byte(kubectl(nil, "get", "--raw", "/.well-known/openid-configuration")), &disc))
		in.Issuer = disc.Issuer
		t.Logf("kube-apiserver issued %d pod-bound tokens (audience %s, %ds) for %s/%s; issuer %s", tokensPerPod*int(*sts.Spec.Replicas), aud, exp, ns, sa, in.Issuer)
	})
	if t.Failed() {
		t.FailNow()
	}
}

// projectedToken is the audience and lifetime of the pod's projected
// ServiceAccount token.
func projectedToken(t *testing.T, p corev1.PodSpec) (string, int64) {
	for _, v := range p.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.ServiceAccountToken != nil && s.ServiceAccountToken.ExpirationSeconds != nil {
				return s.ServiceAccountToken.Audience, *s.ServiceAccountToken.ExpirationSeconds
			}
		}
	}
	t.Fatal("the rendered pod projects no ServiceAccount token")
	return "", 0
}

// memberPod is the pod the StatefulSet controller would create.
func memberPod(t *testing.T, r *zkrun.Rendered, name string) []byte {
	sts := r.StatefulSet
	spec := *sts.Spec.Template.Spec.DeepCopy()
	spec.Hostname, spec.Subdomain = name, sts.Spec.ServiceName
	for _, c := range sts.Spec.VolumeClaimTemplates {
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: c.Name, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c.Name + "-" + name}}})
	}
	pod := corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: sts.Namespace, Labels: sts.Spec.Template.Labels},
		Spec:       spec}
	b, err := json.Marshal(pod)
	must(t, err)
	return b
}

// docOfKind is the rendered document of kind.
func docOfKind(t *testing.T, rendered, kind string) string {
	for _, d := range harness.SplitDocs([]byte(rendered)) {
		if strings.Contains("\n"+d, "\nkind: "+kind+"\n") {
			return d
		}
	}
	t.Fatalf("no %s in the rendered output", kind)
	return ""
}
