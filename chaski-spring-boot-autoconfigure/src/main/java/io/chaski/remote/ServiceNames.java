package io.chaski.remote;

import java.util.Collection;

import io.chaski.membership.MemberMetadata;

/** The rules for service names, checked locally and on names peers announce. */
final class ServiceNames {

	/** Longest service name, in characters (as member metadata allows). */
	static final int MAX_LENGTH = MemberMetadata.MAX_SERVICE_NAME;

	/** Most services one peer may announce (as member metadata allows). */
	static final int MAX_PER_PEER = MemberMetadata.MAX_SERVICES;

	private ServiceNames() {
	}

	static boolean valid(String name) {
		return name != null && !name.isBlank() && name.length() <= MAX_LENGTH;
	}

	static boolean valid(Collection<String> names) {
		return names != null && names.size() <= MAX_PER_PEER && names.stream().allMatch(ServiceNames::valid);
	}

	static String require(String name) {
		if (!valid(name)) {
			throw new IllegalArgumentException("service name must be 1.." + MAX_LENGTH + " characters, not blank");
		}
		return name;
	}

}
