package warden.authz_test

import data.warden.authz

workload(ns, sa) := {
	"id": sprintf("spiffe://warden.local/ns/%s/sa/%s", [ns, sa]),
	"trust_domain": "warden.local",
	"namespace": ns,
	"service_account": sa,
	"authenticated_by": "mtls",
}

call(subject, action, service) := {
	"subject": subject,
	"requester": subject,
	"action": action,
	"resource": {"service": service, "path": "/", "attributes": {}},
}

test_granted_call_is_allowed if {
	d := authz.decision with input as call(workload("shop", "frontend"), "orders.read", "orders")
	d.allow
	d.reasons == ["granted: shop/frontend may orders.read on orders"]
}

test_ungranted_action_is_denied if {
	d := authz.decision with input as call(workload("shop", "frontend"), "orders.create", "orders")
	not d.allow
	d.reasons == ["no grant lets shop/frontend orders.create on orders"]
}

test_unknown_service_account_is_denied if {
	d := authz.decision with input as call(workload("shop", "intruder"), "orders.read", "orders")
	not d.allow
}

test_wildcard_service_account_grant if {
	authz.allow with input as call(workload("shop", "anything"), "inventory.read", "inventory")
}

test_wildcard_action_grant if {
	authz.allow with input as call(workload("observability", "prometheus"), "scrape", "metrics")
}

test_other_trust_domain_is_denied if {
	subject := object.union(workload("shop", "frontend"), {"trust_domain": "evil.example"})
	d := authz.decision with input as call(subject, "orders.read", "orders")
	not d.allow
	"subject trust domain \"evil.example\" is not \"warden.local\"" in d.reasons
}

test_missing_subject_is_denied_with_reason if {
	d := authz.decision with input as {"action": "GET", "resource": {"service": "orders"}}
	not d.allow
	"subject is not identified" in d.reasons
}

test_asserted_subject_from_proxy_is_trusted if {
	subject := object.union(workload("shop", "frontend"), {"authenticated_by": "requester"})
	c := object.union(call(subject, "GET", "orders"), {"requester": workload("mesh", "ingress-gateway")})
	authz.allow with input as c
}

test_asserted_subject_from_callee_is_trusted if {
	subject := object.union(workload("shop", "frontend"), {"authenticated_by": "requester"})
	c := object.union(call(subject, "GET", "orders"), {"requester": workload("shop", "orders")})
	authz.allow with input as c
}

test_asserted_subject_from_other_service_is_denied if {
	subject := object.union(workload("shop", "frontend"), {"authenticated_by": "requester"})
	c := object.union(call(subject, "GET", "orders"), {"requester": workload("shop", "checkout")})
	d := authz.decision with input as c
	not d.allow
	"requester spiffe://warden.local/ns/shop/sa/checkout may not assert subjects for orders" in d.reasons
}

test_every_deny_has_a_reason if {
	d := authz.decision with input as call(workload("shop", "frontend"), "payments.charge", "payments")
	not d.allow
	count(d.reasons) > 0
}

test_subject_without_service_account_is_denied if {
	subject := {"id": "spiffe://warden.local/job/batch", "trust_domain": "warden.local", "authenticated_by": "mtls"}
	d := authz.decision with input as call(subject, "orders.read", "orders")
	not d.allow
	"subject is not a workload identity (spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)" in d.reasons
}

k8s_issuer := "https://kubernetes.default.svc.cluster.local"

# A verified service-account token in Kubernetes form: namespace and service account, no trust domain.
token_subject(ns, sa, claims) := {
	"id": sprintf("system:serviceaccount:%s:%s", [ns, sa]),
	"namespace": ns,
	"service_account": sa,
	"authenticated_by": "jwt",
	"claims": claims,
}

token_call(subject, action, service) := object.union(call(subject, action, service), {"requester": workload("shop", "frontend")})

test_kubernetes_token_subject_with_unmapped_issuer_is_denied if {
	subject := token_subject("shop", "frontend", {"iss": k8s_issuer, "sub": "system:serviceaccount:shop:frontend"})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
	not d.allow
	d.reasons == [sprintf("subject has no trust domain and issuer %q is not mapped to one", [k8s_issuer])]
}

test_kubernetes_token_subject_with_mapped_issuer_is_allowed if {
	subject := token_subject("shop", "frontend", {"iss": k8s_issuer, "sub": "system:serviceaccount:shop:frontend"})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {k8s_issuer: "warden.local"}
	d.allow
	d.reasons == ["granted: shop/frontend may orders.read on orders"]
}

test_kubernetes_token_subject_with_issuer_of_other_trust_domain_is_denied if {
	subject := token_subject("shop", "frontend", {"iss": k8s_issuer, "sub": "system:serviceaccount:shop:frontend"})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {k8s_issuer: "other.cluster"}
	not d.allow
	d.reasons == ["subject trust domain \"other.cluster\" is not \"warden.local\""]
}

test_mapped_issuer_still_needs_a_grant if {
	subject := token_subject("shop", "intruder", {"iss": k8s_issuer})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {k8s_issuer: "warden.local"}
	not d.allow
	d.reasons == ["no grant lets shop/intruder orders.read on orders"]
}

test_subject_without_trust_domain_or_issuer_is_denied if {
	subject := token_subject("shop", "frontend", {})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {k8s_issuer: "warden.local"}
	not d.allow
	"subject has no trust domain and names no issuer" in d.reasons
}

test_only_token_subjects_take_a_trust_domain_from_their_issuer if {
	subject := object.union(token_subject("shop", "frontend", {"iss": k8s_issuer}), {"authenticated_by": "requester"})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {k8s_issuer: "warden.local"}
	not d.allow
	sprintf("subject has no trust domain and issuer %q is not mapped to one", [k8s_issuer]) in d.reasons
}

test_spiffe_token_subject_keeps_its_own_trust_domain if {
	subject := object.union(workload("shop", "frontend"), {"authenticated_by": "jwt", "claims": {"iss": "https://unmapped.example"}})
	d := authz.decision with input as token_call(subject, "orders.read", "orders")
		with data.warden.config.issuers as {"https://unmapped.example": "evil.example"}
	d.allow
}

test_api_key_subject_is_granted_like_its_workload if {
	subject := object.union(workload("shop", "checkout"), {"authenticated_by": "api_key", "key_id": "abcdefghijklmnop"})
	d := authz.decision with input as object.union(call(subject, "orders.create", "orders"), {"requester": workload("shop", "frontend")})
	d.allow
}

test_api_key_subject_still_needs_a_grant if {
	subject := object.union(workload("shop", "checkout"), {"authenticated_by": "api_key", "key_id": "abcdefghijklmnop"})
	d := authz.decision with input as object.union(call(subject, "orders.read", "orders"), {"requester": workload("shop", "frontend")})
	not d.allow
	d.reasons == ["no grant lets shop/checkout orders.read on orders"]
}
