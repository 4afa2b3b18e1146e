package rbac

# Roles from data grant actions on resource types.
default allow := false

allow if {
	some role in data.rbac.bindings[input.user]
	some grant in data.rbac.roles[role]
	grant.action == input.action
	grant.type == input.resource.type
}

allow if {
	"admin" in data.rbac.bindings[input.user]
}
