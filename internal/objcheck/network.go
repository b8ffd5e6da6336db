package objcheck

import (
	"net"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func checkService(s *corev1.Service, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, port := range s.Spec.Ports {
		pp := p.Child("ports").Index(i)
		if port.Name != "" || len(s.Spec.Ports) > 1 {
			for _, msg := range validation.IsDNS1123Label(port.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
			}
		}
		if seen[port.Name] {
			errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
		}
		seen[port.Name] = true
		for _, msg := range validation.IsValidPortNum(int(port.Port)) {
			errs = append(errs, field.Invalid(pp.Child("port"), port.Port, msg))
		}
		errs = append(errs, checkPortRef(port.TargetPort, true, pp.Child("targetPort"))...)
	}
	return append(errs, checkLabels(s.Spec.Selector, p.Child("selector"))...)
}

// checkPortRef checks a number or an IANA port name; zero is allowed
// only where the field is optional (a Service's targetPort defaults to port).
func checkPortRef(v intstr.IntOrString, zeroOK bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if v.Type == intstr.String {
		for _, msg := range validation.IsValidPortName(v.StrVal) {
			errs = append(errs, field.Invalid(p, v.StrVal, msg))
		}
		return errs
	}
	if v.IntVal == 0 && zeroOK {
		return nil
	}
	for _, msg := range validation.IsValidPortNum(int(v.IntVal)) {
		errs = append(errs, field.Invalid(p, v.IntVal, msg))
	}
	return errs
}

func checkNetworkPolicy(np *networkingv1.NetworkPolicy, p *field.Path) field.ErrorList {
	errs := checkSelector(&np.Spec.PodSelector, p.Child("podSelector"))
	for i, r := range np.Spec.Ingress {
		rp := p.Child("ingress").Index(i)
		errs = append(errs, checkPolicyPorts(r.Ports, rp.Child("ports"))...)
		errs = append(errs, checkPeers(r.From, rp.Child("from"))...)
	}
	for i, r := range np.Spec.Egress {
		rp := p.Child("egress").Index(i)
		errs = append(errs, checkPolicyPorts(r.Ports, rp.Child("ports"))...)
		errs = append(errs, checkPeers(r.To, rp.Child("to"))...)
	}
	return errs
}

func checkPolicyPorts(ports []networkingv1.NetworkPolicyPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, port := range ports {
		pp := p.Index(i)
		if port.Port != nil {
			errs = append(errs, checkPortRef(*port.Port, false, pp.Child("port"))...)
		}
		if port.EndPort != nil {
			if port.Port == nil || port.Port.Type == intstr.String || *port.EndPort < port.Port.IntVal {
				errs = append(errs, field.Invalid(pp.Child("endPort"), *port.EndPort, "must be a number not below port"))
			}
		}
	}
	return errs
}

func checkPeers(peers []networkingv1.NetworkPolicyPeer, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, peer := range peers {
		pp := p.Index(i)
		errs = append(errs, checkSelector(peer.PodSelector, pp.Child("podSelector"))...)
		errs = append(errs, checkSelector(peer.NamespaceSelector, pp.Child("namespaceSelector"))...)
		if b := peer.IPBlock; b != nil {
			if _, _, err := net.ParseCIDR(b.CIDR); err != nil {
				errs = append(errs, field.Invalid(pp.Child("ipBlock", "cidr"), b.CIDR, "must be a valid CIDR"))
			}
		}
	}
	return errs
}
