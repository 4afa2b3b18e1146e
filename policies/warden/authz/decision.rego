# METADATA
# title: Warden's bundled zero-trust policy
# description: |
#   Deny by default. A call is allowed only when data grants the calling service account the
#   action on the called service. A subject asserted by the requester (a sidecar that terminated
#   the caller's mTLS) is trusted only from requesters listed as proxies, or from the callee itself.
#   Every subject needs a trust domain: a token subject without one (Kubernetes form) takes it from
#   data.warden.config.issuers, which maps a token issuer (its "iss") to a trust domain.
package warden.authz

config := data.warden.config

decision := {"allow": allow, "reasons": reasons}

default allow := false

allow if {
	count(deny) == 0
}

reasons := [sprintf("granted: %s may %s on %s", [caller, input.action, input.resource.service])] if allow

reasons := sort([r | some r in deny]) if not allow

caller := sprintf("%s/%s", [input.subject.namespace, input.subject.service_account])

deny contains "subject is not identified" if not input.subject.id

deny contains "subject is not a workload identity (spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)" if {
	input.subject.id
	not input.subject.service_account
}

deny contains msg if {
	subject_trust_domain != config.trust_domain
	msg := sprintf("subject trust domain %q is not %q", [subject_trust_domain, config.trust_domain])
}

# A subject with no trust domain (a Kubernetes service-account token, system:serviceaccount:ns:sa)
# would otherwise pass the trust-domain rule above: it is denied unless data maps its issuer to one.
deny contains msg if {
	input.subject.id
	not subject_trust_domain
	msg := sprintf("subject has no trust domain and issuer %q is not mapped to one", [input.subject.claims.iss])
}

deny contains "subject has no trust domain and names no issuer" if {
	input.subject.id
	not subject_trust_domain
	not input.subject.claims.iss
}

deny contains msg if {
	input.subject.authenticated_by == "requester"
	not requester_may_assert
	msg := sprintf("requester %s may not assert subjects for %s", [input.requester.id, input.resource.service])
}

deny contains msg if {
	input.subject.service_account
	not granted
	msg := sprintf("no grant lets %s %s on %s", [caller, input.action, input.resource.service])
}

# A SPIFFE subject's own trust domain; for a verified token without one, its issuer's in data.
subject_trust_domain := input.subject.trust_domain

subject_trust_domain := config.issuers[input.subject.claims.iss] if {
	not input.subject.trust_domain
	input.subject.authenticated_by == "jwt"
}

# A proxy in front of many services may speak for its callers; otherwise only the callee may.
requester_may_assert if input.requester.id in config.proxies

requester_may_assert if {
	input.requester.trust_domain == config.trust_domain
	input.requester.service_account == input.resource.service
}

granted if {
	some grant in config.grants
	grant.service == input.resource.service
	matches(grant.caller.namespace, input.subject.namespace)
	matches(grant.caller.service_account, input.subject.service_account)
	some action in grant.actions
	matches(action, input.action)
}

matches(pattern, _) if pattern == "*"

matches(pattern, value) if pattern == value
